"""Who may act: the five roles of people, and the kinds of integration account with their actions.

Access is declared per route with these names (``fieldapp.web.access``); ``fieldapp.security`` enforces it."""

from flask_babel import lazy_gettext as _l

OFFICER = "officer"
CLINICIAN = "clinician"
DISPATCHER = "dispatcher"
PROGRAM_MANAGER = "program_manager"
ADMIN = "admin"

ROLES = (OFFICER, CLINICIAN, DISPATCHER, PROGRAM_MANAGER, ADMIN)
UNIT_ROLES = (OFFICER, CLINICIAN)

LABELS = {
    OFFICER: _l("Officer"),
    CLINICIAN: _l("Clinician"),
    DISPATCHER: _l("Dispatcher"),
    PROGRAM_MANAGER: _l("Program manager"),
    ADMIN: _l("Admin"),
}

# Integration accounts sit beside users, never among them (fieldapp.integrations.accounts).
CAD, PARTNER, CRISIS_LINE = "cad", "partner", "crisis_line"
INTEGRATION_KINDS = {CAD: _l("CAD system"), PARTNER: _l("Partner organization"),
                     CRISIS_LINE: _l("988 crisis line center")}
# The kinds that receive status back by signed webhook (fieldapp.integrations.webhooks).
WEBHOOK_KINDS = (CAD, CRISIS_LINE)
# What each kind of account may be allowed to do; a new account gets all of its kind's actions.
INTEGRATION_ACTIONS = {
    CAD: {"eido.intake": _l("Send calls as EIDO documents")},
    PARTNER: {"referrals.read": _l("List the referrals sent to its organization"),
              "referrals.update": _l("Accept, reject and complete those referrals")},
    CRISIS_LINE: {"handoffs.send": _l("Hand off 988 contacts for a mobile crisis response (FHIR or EIDO)"),
                  "handoffs.read": _l("Follow its own hand-offs (FHIR Task)")},
}
