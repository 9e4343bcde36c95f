/* fieldapp's scripts in the user's language (issue 23; docs/i18n.md, "JavaScript").

   t("Saved on this device.") and tn("{n} record waiting", "{n} records waiting", n) look a text up in the
   catalogue of the page's language (<html lang>, the user's choice on the server); {name} placeholders
   are filled from the last argument. The strings are extracted by pybabel (babel-js.cfg, `make
   translations`) into the `js` domain (fieldapp/translations/<locale>/LC_MESSAGES/js.po), and the build
   (scripts/build-static.mjs) puts every catalogue into each bundle as FIELDAPP_CATALOGS, so a page or
   the service worker has them offline.

   The service worker has no page: pages tell it their language (a message "locale"), and it keeps that
   in IndexedDB (database "fieldapp-prefs") for the notifications and offline banners it writes while no
   page is open.

   Dates, times and numbers: FieldappI18n.time / dateTime / date / number, through Intl in the user's
   language and the agency's zone (<body data-timezone>), 24-hour where the agency says so
   (<body data-hours24>, the TIME_FORMAT_24H setting; unset: as the language writes times). Every script
   that shows a time goes through these. */
(function (global) {
  "use strict";

  /* global FIELDAPP_CATALOGS */
  var CATALOGS = typeof FIELDAPP_CATALOGS !== "undefined" ? FIELDAPP_CATALOGS : {};
  var PREFS = "fieldapp-prefs", STORE = "prefs";
  var doc = global.document;
  var state = {
    locale: (doc && doc.documentElement.getAttribute("lang")) || (global.navigator && global.navigator.language) || "en",
    zone: (doc && doc.body && doc.body.getAttribute("data-timezone")) || undefined,
    hours24: doc && doc.body ? doc.body.getAttribute("data-hours24") : null,
  };

  function catalog() {
    var locale = String(state.locale || "en");
    return CATALOGS[locale] || CATALOGS[locale.split("-")[0]] || {};
  }

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  function t(message, params) {
    var found = catalog()[message];
    return fill(typeof found === "string" && found ? found : message, params);
  }

  /* Plural forms by CLDR's categories (Intl.PluralRules), as Babel writes them in js.po. */
  function tn(singular, plural, n, params) {
    var forms = catalog()[singular];
    var category = pluralCategory(n);
    var text = category === "one" ? singular : plural;
    if (Array.isArray(forms)) {  // the catalogue's forms in CLDR's order: one, (many,) other
      text = forms[category === "one" ? 0 : category === "many" && forms.length > 2 ? 1 : forms.length - 1] || text;
    }
    return fill(text, Object.assign({ n: number(n) }, params || {}));
  }

  function pluralCategory(n) {
    try { return new Intl.PluralRules(state.locale).select(n); } catch (error) { return n === 1 ? "one" : "other"; }
  }

  function dateFormat(options) {
    var chosen = Object.assign({}, options);
    if (chosen.hour && state.hours24 !== null && state.hours24 !== "") chosen.hourCycle = state.hours24 === "true" ? "h23" : "h12";
    if (state.zone) chosen.timeZone = state.zone;
    try { return new Intl.DateTimeFormat(state.locale, chosen); } catch (error) {  // an unknown zone or locale
      delete chosen.timeZone;
      try { return new Intl.DateTimeFormat(state.locale, chosen); } catch (again) { return new Intl.DateTimeFormat("en", chosen); }
    }
  }

  function time(value) { return dateFormat({ hour: "2-digit", minute: "2-digit" }).format(new Date(value)); }
  function dateTime(value) { return dateFormat({ month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(value)); }
  function date(value) { return dateFormat({ year: "numeric", month: "short", day: "numeric" }).format(new Date(value)); }
  function number(value, options) {
    try { return new Intl.NumberFormat(state.locale, options).format(value); } catch (error) { return String(value); }
  }

  /* The user's language kept for the service worker (no DOM, no page). */
  function prefs(mode, work) {
    return new Promise(function (resolve, reject) {
      if (!global.indexedDB) { resolve(undefined); return; }
      var request = global.indexedDB.open(PREFS, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result, transaction = db.transaction(STORE, mode), result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      };
    });
  }

  function remember(locale, zone, hours24) {
    return prefs("readwrite", function (store) { return store.put({ locale: locale, zone: zone, hours24: hours24 }, "user"); });
  }

  /* In the service worker: the language, zone and clock the last page said. */
  function recall() {
    return prefs("readonly", function (store) { return store.get("user"); }).then(function (saved) {
      if (saved) { state.locale = saved.locale || state.locale; state.zone = saved.zone || state.zone; state.hours24 = saved.hours24; }
      return state;
    }).catch(function () { return state; });
  }

  function use(settings) { Object.assign(state, settings || {}); }

  global.FieldappI18n = {
    t: t, tn: tn, time: time, dateTime: dateTime, date: date, number: number,
    remember: remember, recall: recall, use: use,
    get locale() { return state.locale; },
    get zone() { return state.zone; },
  };
  global.t = t;
  global.tn = tn;

  /* A page tells the service worker its user's language (kept for notifications and offline banners). */
  if (doc && global.navigator && global.navigator.serviceWorker && doc.body && doc.body.hasAttribute("data-role")) {
    global.navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "locale", locale: state.locale, zone: state.zone, hours24: state.hours24 });
      }
    }).catch(function () {});
  }
})(typeof self !== "undefined" ? self : window);
