"""The referral form as the API's fields: for the page and for the outbox's batch (``fieldapp.sync.forms``)."""

from fieldapp.referrals import constants as c


def referral_payload(form) -> dict:
    consent = {"type": form.get("consent_type") or None,
               "given_by": form.get("consent_given_by", "").strip() or None}
    part2 = {name: form.get(f"part2_{name}", "").strip() for name in c.PART2_ELEMENTS}
    part2 = {name: value for name, value in part2.items() if value}
    if form.get("part2_revocation_explained"):
        part2["revocation_explained"] = True
    if part2:
        consent["part2"] = part2
    payload = {"id": form.get("id", ""), "service_id": form.get("service_id") or None,
               "consent": {key: value for key, value in consent.items() if value is not None},
               "note": form.get("note", "").strip(), "recorded_at": form.get("recorded_at") or None}
    return {key: value for key, value in payload.items() if value is not None}
