"""Static files as `make static` builds them (scripts/build-static.mjs, into static/dist/).

- ``url_for('static', filename='css/app.css')`` gives the built file's hashed name
  (``/static/dist/app-1a2b3c4d5e6f.css``): every template keeps naming the source file. The bundles
  (``js/field.js``: every signed-in page's scripts in one file) exist only built.
- WhiteNoise serves ``/static/``: a gzip or brotli copy made at build time when the browser takes it
  (no compression work per request), and ``Cache-Control: public, max-age=31536000, immutable`` for the
  hashed files, whose name changes with their content. Other static files are revalidated each time.

Why WhiteNoise rather than flask-compress: only static files are compressed (a page that holds a CSRF
token and echoes input is never compressed, BREACH), they are compressed once at build time with brotli
at its highest level rather than on every response, and it sets the caching headers and ETags in the
same place. The proxy in front (deploy/) passes the compressed files through.
"""

import json
from pathlib import Path

from whitenoise import WhiteNoise

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class MissingBuild(RuntimeError):
    """A page names a static file that only `make static` makes, and static/dist/ has not been built."""


def register_assets(app) -> None:
    static = Path(app.static_folder)
    manifest_path = static / "dist" / "manifest.json"
    built = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    app.extensions["fieldapp_assets"] = built

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint != "static" or "filename" not in values:
            return
        name = values["filename"]
        if name in built:
            values["filename"] = built[name]
        elif not (static / name).is_file():
            raise MissingBuild(f"static/{name} is made by `make static` (static/dist/ is missing or old)")

    def headers(headers, path, url):
        headers["Cache-Control"] = IMMUTABLE if is_hashed(url) else REVALIDATE
        headers["X-Content-Type-Options"] = "nosniff"

    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(static), prefix="/static/", max_age=None,
                              add_headers_function=headers, immutable_file_test=lambda path, url: is_hashed(url))


def is_hashed(url: str) -> bool:
    """A built file named by its content (``/static/dist/name-<12 hex>.ext``): never changes."""
    name = url.rsplit("/", 1)[-1]
    stem = name.split(".", 1)[0]
    return url.startswith("/static/dist/") and len(stem) > 13 and stem[-13] == "-" and all(
        c in "0123456789abcdef" for c in stem[-12:])


def worker_path(app) -> Path:
    """The service worker as built (static/dist/sw.js), served at /sw.js."""
    path = Path(app.static_folder) / app.extensions["fieldapp_assets"].get("sw.js", "dist/sw.js")
    if not path.is_file():
        raise MissingBuild("static/dist/sw.js is made by `make static`")
    return path
