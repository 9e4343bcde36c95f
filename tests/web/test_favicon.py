"""/favicon.ico, which browsers ask for where a page names no icon, answers with the app's icon."""

from flask import url_for


def test_favicon_leads_to_the_apps_icon_signed_out(app, client):
    with app.test_request_context():
        icon_url = url_for("static", filename="icons/icon-192.png")  # its built, hashed name (web/assets.py)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith(icon_url)
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/png"
    icon.close()
