"""Outbox records as a device holds them (a form's address and fields), for the batch sync tests."""

import uuid

from tests.fixtures.clock import RECENT_DAY


def status_record(call_id, status, ref=None, event_id=None):
    return {"ref": ref or status, "path": f"/calls/{call_id}/status",
            "fields": [["csrf_token", "stale"], ["id", event_id or str(uuid.uuid4())], ["status", status],
                       ["recorded_at", f"{RECENT_DAY}T10:00:00+00:00"]]}


def encounter_record(call_id, encounter_id, ref="encounter", **extra):
    fields = [["id", encounter_id], ["outcome", "resolved"], ["concerns", "mental_health"],
              ["concerns", "homelessness"], ["person_mode", "named"], ["given_name", "Jordan"],
              ["family_name", "Reyes"], ["transport", "none"], ["narrative", "Calmer after talking."]]
    fields = [pair for pair in fields if pair[0] not in extra] + [[name, value] for name, value in extra.items()]
    return {"ref": ref, "path": f"/calls/{call_id}/encounters/new", "fields": fields}
