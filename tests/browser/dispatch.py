"""The dispatcher as the browser tests drive it: through the API, outside the phone's context."""


class Dispatch:
    """The dispatcher, through the API, from outside the phone's browser context."""

    def __init__(self, playwright_request, live_server):
        self.request = playwright_request
        response = self.request.post("/api/v1/auth/token",
                                     data={"username": "dispatcher", "password": live_server.password})
        assert response.status == 201, response.text()
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

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
