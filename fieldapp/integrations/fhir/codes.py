"""FHIR R4 codes for referrals: the Task status mapping (docs/fhir.md) and the code systems used."""

from fieldapp.referrals import constants as c

# Referral status -> Task.status (Gravity SDOH Clinical Care: requested, accepted, rejected, cancelled,
# in-progress, on-hold, failed, completed, entered-in-error). FHIR has no "unable to contact": it is
# on-hold with the reason, because fieldapp lets such a referral still be accepted, declined or
# cancelled, and FHIR's failed is final.
TASK_STATUS = {
    c.MADE: "requested", c.ACCEPTED: "accepted", c.DECLINED: "rejected", c.UNABLE: "on-hold",
    c.IN_PROGRESS: "in-progress", c.COMPLETED: "completed", c.CANCELLED: "cancelled",
}
REFERRAL_STATUS = {task: referral for referral, task in TASK_STATUS.items()}
NEEDS_STATUS_REASON = ("rejected", "cancelled", "on-hold", "failed")
# What a partner may set with PATCH /Task/{id}.
PARTNER_TASK_STATUSES = ("accepted", "rejected", "in-progress", "completed", "cancelled")

# Referral status -> ServiceRequest.status (request-status: active, revoked, completed, ...).
SERVICE_REQUEST_STATUS = {
    c.MADE: "active", c.ACCEPTED: "active", c.UNABLE: "active", c.IN_PROGRESS: "active",
    c.COMPLETED: "completed", c.DECLINED: "revoked", c.CANCELLED: "revoked",
}

TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
SDOHCC_CODES = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
# fieldapp's own vocabularies (no standard code exists for a local directory's categories and services).
CATEGORY_SYSTEM = "urn:fieldapp:directory-category"
SERVICE_SYSTEM = "urn:fieldapp:directory-service"
PART2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"

# Directory categories that have a Gravity SDOH domain of their own.
SDOH_DOMAINS = {
    "food": ("food-insecurity", "Food Insecurity"),
    "housing": ("housing-instability", "Housing Instability"),
    "benefits": ("financial-insecurity", "Financial Insecurity"),
    "domestic_violence": ("intimate-partner-violence", "Intimate Partner Violence"),
}
