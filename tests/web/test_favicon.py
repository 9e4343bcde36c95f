"""/favicon.ico, which browsers ask for where a page names no icon, answers with the app's icon."""


def test_favicon_leads_to_the_apps_icon_signed_out(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/icons/icon-192.png")
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/png"
    icon.close()
