"""Security headers on every response (OWASP Secure Headers)."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'")
# The API docs page (ReDoc) injects its own styles and uses web workers from blobs.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
            "font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'")


def set_security_headers(response, *, secure: bool, docs: bool):
    headers = response.headers
    csp = DOCS_CSP if docs else CSP
    extra_images = getattr(response, "csp_img_src", None)  # the map's tile server (fieldapp.calls.map)
    if extra_images:
        csp = csp.replace("img-src 'self' data:", f"img-src 'self' data: {extra_images}")
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not response.headers.get("Cache-Control") and response.mimetype in ("text/html", "application/json"):
        headers["Cache-Control"] = "no-store"  # sensitive pages never sit in shared caches
    return response
