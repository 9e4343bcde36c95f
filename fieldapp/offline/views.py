import base64

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fieldapp.calls import constants as calls_vocabulary
from fieldapp.calls import services as calls
from fieldapp.offline.services import storage_key_of
from fieldapp.roles import CLINICIAN, OFFICER
from fieldapp.units import services as units
from fieldapp.web.access import ANY_ROLE, allow, background, public
from fieldapp.web.assets import worker_path

bp = Blueprint("offline", __name__)

# Pages a unit's device keeps for offline use (the service worker caches only responses that
# carry X-Fieldapp-Offline). Officers' pages never contain clinical notes, so none are cached
# on an officer's device; everything cached is cleared at logout.
OFFLINE_PAGES = {
    "calls.my_calls", "calls.show", "encounters.record", "encounters.new", "encounters.show",
    "referrals.new", "directory.index", "offline.outbox",
}
CLINICIAN_ONLY_OFFLINE_PAGES = {"notes.followups", "referrals.index", "referrals.show", "people.show",
                                "safetyplans.new", "safetyplans.show"}


def mark_offline_pages(response):
    """After-request hook: flag the field pages the service worker may keep on the device."""
    endpoint = request.endpoint or ""
    if request.method != "GET" or response.status_code != 200 or response.mimetype != "text/html":
        return response
    if not current_user.is_authenticated or current_user.role not in (OFFICER, CLINICIAN):
        return response
    if endpoint in OFFLINE_PAGES or (current_user.role == CLINICIAN and endpoint in CLINICIAN_ONLY_OFFLINE_PAGES):
        response.headers["X-Fieldapp-Offline"] = "1"
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    icons = [{"src": url_for("static", filename=f"icons/{name}-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", **({"purpose": "maskable"} if "maskable" in name else {})}
             for name in ("icon", "icon-maskable") for size in (192, 512)]
    body = {
        "name": "fieldapp co-responder", "short_name": "fieldapp", "id": "/", "start_url": "/?source=pwa",
        "scope": "/", "display": "standalone", "orientation": "portrait", "background_color": "#f4f6f8",
        "theme_color": "#12355b", "description": "Calls, encounters and referrals for co-responder units.",
        "icons": icons,
    }
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """Served from the root so its scope covers the whole app; always at this address (the build,
    static/dist/sw.js, names the hashed files it keeps), checked for a new version at every visit."""
    response = current_app.response_class(worker_path(current_app).read_bytes(), mimetype="text/javascript")
    response.add_etag()
    response.make_conditional(request)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
@public
def offline_page():
    return render_template("offline/offline.html")


@bp.route("/outbox")
@allow(ANY_ROLE)
def outbox():
    """What this device still has to send (read from IndexedDB by static/js/outbox-*.js)."""
    return render_template("offline/outbox.html")


# What a crew device keeps for each call assigned to its unit, and for the shift as a whole
# (static/js/ready.js fetches these while online; each is kept only if its response carries
# X-Fieldapp-Offline, so an officer's device holds what an officer's pages show, never clinical notes).
CALL_PAGES = ("calls.show", "encounters.new", "encounters.record")
SHIFT_PAGES = ("calls.my_calls", "directory.index", "offline.outbox")


@bp.route("/session/offline-pages")  # under /session/: a script's address, 401 not a redirect
@allow(OFFICER, CLINICIAN)
@background
def ready():
    """The pages this device should hold for offline use: the open calls of the user's unit (the
    call page with its briefing, the encounter form with its referral step) and the shift's pages.
    Cached call pages not listed here belong to calls no longer assigned: the device drops them."""
    shift = units.shift_of_user(current_user)
    assigned = calls.list_calls(current_user, status=list(calls_vocabulary.ACTIVE), unit_id=shift.unit_id,
                                audit_as=None) if shift else []
    return {"calls": [{"id": call.id, "status": call.status,
                       "pages": [url_for(endpoint, call_id=call.id) for endpoint in CALL_PAGES]}
                      for call in assigned],
            "pages": [url_for(endpoint) for endpoint in SHIFT_PAGES]}


@bp.route("/session/csrf")
@allow(ANY_ROLE)
@background
def session_state():
    """Who is signed in here, a fresh CSRF token and how many records one POST /api/v1/sync takes,
    for the outbox before it sends (it never guesses the batch size)."""
    response = {"username": current_user.username, "role": current_user.role, "csrf_token": generate_csrf(),
                "sync_batch": current_app.config["SYNC_BATCH"]}
    return response


@bp.route("/session/storage-key")
@allow(ANY_ROLE)
def storage_key():
    """The key this user's devices seal the outbox and the offline pages with (static/js/vault.js).
    Only a signed-in session gets it; the device forgets it at sign-out, so what stays on a shared
    phone cannot be read until the same user signs in again."""
    key = base64.b64encode(storage_key_of(current_user)).decode("ascii")
    response = current_app.json.response({"username": current_user.username, "key": key})
    response.headers["Cache-Control"] = "no-store"
    return response
