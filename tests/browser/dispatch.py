"""The dispatcher as the browser tests drive it: through the API, outside the phone's context."""


def api_headers(playwright_request, live_server, username):
    """Headers with a bearer token of ``username``'s: issued once per server and user
    (POST /api/v1/auth/token checks the password with Argon2id at the production cost, about half a
    second of both cores on a busy machine), then reused while the server still takes it (a token a
    test revoked, or one idle past SESSION_IDLE_MINUTES, is replaced)."""
    headers = live_server.tokens.get(username)
    if headers and playwright_request.get("/api/v1/units", headers=headers).ok:
        return headers
    response = playwright_request.post("/api/v1/auth/token",
                                       data={"username": username, "password": live_server.password})
    assert response.status == 201, response.text()
    headers = live_server.tokens[username] = {"Authorization": f"Bearer {response.json()['token']}"}
    return headers


class Dispatch:
    """The dispatcher, through the API, from outside the phone's browser context."""

    def __init__(self, playwright_request, live_server):
        self.request = playwright_request
        self.headers = api_headers(playwright_request, live_server, "dispatcher")

    def units(self):
        return {u["call_sign"]: u for u in self.request.get("/api/v1/units", headers=self.headers).json()}

    def new_call(self, address, call_type="MNTL"):
        body = {"call_type": call_type, "priority": 2, "location": {"address": address},
                "narrative": "Browser test call", "cautions": []}
        response = self.request.post("/api/v1/calls", data=body, headers=self.headers)
        assert response.status == 201, response.text()
        return response.json()

    def assign(self, call_id, call_sign):
        unit_id = self.units()[call_sign]["id"]
        response = self.request.post(f"/api/v1/calls/{call_id}/assign", data={"unit_id": unit_id},
                                     headers=self.headers)
        assert response.status == 200, response.text()
        return response.json()

    def call(self, call_id):
        return self.request.get(f"/api/v1/calls/{call_id}", headers=self.headers).json()
