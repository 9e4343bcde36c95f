// Builds static/dist/ (make static): each page's scripts bundled by esbuild, the style sheets minified,
// every file named by its content hash (served with `Cache-Control: immutable` for a year), a gzip and a
// brotli copy of each text file (WhiteNoise serves them, fieldapp/web/assets.py), the service worker
// (static/dist/sw.js, served at the stable address /sw.js, never renamed) with the list of files it
// keeps for offline use, and static/dist/manifest.json: the source name -> the built name.
//
// The bundles (templates/base.html loads at most three per page):
//   app.js        every page signed out: static/js/app.js and the vault (vault.js: the sign-in page takes
//                 the device's key away)
//   field.js      every page signed in: app.js, the vault, the outbox (in its order), live updates, call
//                 alerts, errors at their fields, the idle lock, passkeys, the sign-in sheet, pages kept
//                 ready for offline use
//   encounter.js  the encounter form; board.js the dispatch board
//   sw.js         the service worker: the vault, the outbox's first three files, push-sw.js, then sw.js
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const STATIC = new URL("../static/", import.meta.url).pathname;
const DIST = join(STATIC, "dist");
const OUTBOX = ["outbox-store", "outbox-settle", "outbox-send", "outbox-page", "outbox-list"];
const BUNDLES = {
  app: ["app", "vault"],
  field: ["app", "vault", ...OUTBOX, "live", "push", "fielderrors", "lock", "passkeys", "signin", "ready", "share"],
  encounter: ["encounter"],
  board: ["board", "map"],  // map.js: the dispatch map (Leaflet from npm), on the board and /map
};
const STYLES = ["app", "metrics", "report", "users", "map"];
const ICONS = ["icon-192.png", "icon-512.png", "icon-maskable-192.png", "icon-maskable-512.png",
  "apple-touch-icon.png"];
// What the service worker keeps for offline use besides its own pages: the signed-in pages' files.
const OFFLINE = ["css/app.css", "js/field.js", "js/encounter.js", "icons/icon-192.png", "icons/icon-512.png"];
const TARGET = ["chrome100", "firefox100", "safari15"];

const manifest = {};

function hashed(name, body) {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  const extension = extname(name);
  return `${basename(name, extension)}-${hash}${extension}`;
}

function write(source, body) {
  const name = hashed(basename(source), body);
  writeFileSync(join(DIST, name), body);
  manifest[source] = `dist/${name}`;
}

function imports(files) {
  return files.map((file) => `import "./${file}.js";`).join("\n");
}

async function bundle(contents, resolveDir, define = {}) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir, sourcefile: "bundle.js" }, bundle: true, format: "iife", minify: true,
    target: TARGET, write: false, define, legalComments: "none", logLevel: "warning",
  });
  return result.outputFiles[0].contents;
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });

for (const [name, files] of Object.entries(BUNDLES)) {
  write(`js/${name}.js`, await bundle(imports(files), join(STATIC, "js")));
}
for (const name of STYLES) {
  const result = await esbuild.build({
    entryPoints: [join(STATIC, "css", `${name}.css`)], bundle: true, minify: true, target: TARGET, write: false,
    logLevel: "warning", loader: { ".png": "empty" },  // Leaflet's marker and layer icons: the map draws circles
  });
  write(`css/${name}.css`, result.outputFiles[0].contents);
}
for (const name of ICONS) {
  const body = readFileSync(join(STATIC, "icons", name));
  const built = hashed(name, body);
  copyFileSync(join(STATIC, "icons", name), join(DIST, built));
  manifest[`icons/${name}`] = `dist/${built}`;
}

// The service worker: its precache list names the hashed files, so a new build is a new worker (the
// browser compares its bytes).
const precache = ["/offline", "/manifest.webmanifest", ...OFFLINE.map((name) => `/static/${manifest[name]}`)];
const worker = await bundle(`${imports(["js/vault", "js/outbox-store", "js/outbox-settle", "js/outbox-send", "push-sw"])}
import "./sw.js";`, STATIC, { FIELDAPP_PRECACHE: JSON.stringify(precache) });
writeFileSync(join(DIST, "sw.js"), worker);
manifest["sw.js"] = "dist/sw.js";

writeFileSync(join(DIST, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

// Compressed copies where they are smaller by 5 % or more (as WhiteNoise's own compressor decides).
let total = 0;
for (const built of new Set(Object.values(manifest))) {
  const path = join(STATIC, built);
  if (path.endsWith(".png")) continue;
  const body = readFileSync(path);
  const gzip = gzipSync(body, { level: 9 });
  const brotli = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  if (gzip.length < body.length * 0.95) writeFileSync(`${path}.gz`, gzip);
  if (brotli.length < body.length * 0.95) writeFileSync(`${path}.br`, brotli);
  total += brotli.length;
}
console.log(`[build] static files (esbuild): static/dist/, ${Object.keys(manifest).length} files, scripts and styles ` +
  `${Math.round(total / 1024)} KB with brotli`);
