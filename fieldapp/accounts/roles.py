"""The five roles. Access is declared per route with these names (``fieldapp.security.access``)."""

OFFICER = "officer"
CLINICIAN = "clinician"
DISPATCHER = "dispatcher"
PROGRAM_MANAGER = "program_manager"
ADMIN = "admin"

ROLES = (OFFICER, CLINICIAN, DISPATCHER, PROGRAM_MANAGER, ADMIN)
UNIT_ROLES = (OFFICER, CLINICIAN)

LABELS = {
    OFFICER: "Officer",
    CLINICIAN: "Clinician",
    DISPATCHER: "Dispatcher",
    PROGRAM_MANAGER: "Program manager",
    ADMIN: "Admin",
}
