"""Referral lifecycle, after the FHIR R4 Task statuses of the Gravity SDOH Clinical Care IG."""

from flask_babel import lazy_gettext as _l

MADE, ACCEPTED, DECLINED, UNABLE, IN_PROGRESS, COMPLETED, CANCELLED = (
    "made", "accepted", "declined", "unable_to_contact", "in_progress", "completed", "cancelled")
STATUS_LABELS = {
    MADE: _l("Made"), ACCEPTED: _l("Accepted"), DECLINED: _l("Declined"), UNABLE: _l("Unable to contact"),
    IN_PROGRESS: _l("In progress"), COMPLETED: _l("Completed"), CANCELLED: _l("Cancelled"),
}
TRANSITIONS = {
    MADE: (ACCEPTED, DECLINED, UNABLE, CANCELLED),
    UNABLE: (ACCEPTED, DECLINED, CANCELLED),
    ACCEPTED: (IN_PROGRESS, CANCELLED),
    IN_PROGRESS: (COMPLETED, CANCELLED),
}
OPEN = (MADE, UNABLE, ACCEPTED, IN_PROGRESS)
# A step that is a failure must say why.
NEEDS_REASON = (DECLINED, UNABLE, CANCELLED)

CONSENT_TYPES = {"verbal": _l("Given verbally"), "written": _l("Given in writing"), "declined": _l("Declined")}
# 42 CFR 2.31: what a written consent to disclose substance-use treatment records must name.
PART2_ELEMENTS = {
    "patient_name": "Patient's name",
    "discloser": "Who may disclose (program or person)",
    "information": "What information may be disclosed",
    "recipient": "To whom (name of the recipient)",
    "purpose": "Purpose of the disclosure",
    "expires": "Expiry date, event or condition",
    "signature": "Signature (as signed)",
    "signed_on": "Date signed",
}
PART2_REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, against "
    "the patient, unless authorized by the consent of the patient, except as provided at 42 CFR "
    "2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the "
    "Federal rules prohibit you from making any other use or disclosure of this record unless at "
    "least one of the following applies: disclosure is expressly permitted by the written consent "
    "of the person to whom this record pertains or as otherwise permitted by 42 CFR part 2."
)

# issue 23: the consent to a referral as the clinician reads it to the person, in the person's language
# (English or Spanish, by their preferred language; the other one at hand), whatever the screen speaks.
CONSENT_LANGUAGES = ("en", "es")
CONSENT_STATEMENT = {
    "en": "We would like to refer you to a service that can help. To do that, we will share your name, how to "
          "reach you and why we are referring you with that service. You can say no, and saying no will not "
          "change the help you get today. You can change your mind later. Do you agree?",
    "es": "Queremos derivarle a un servicio que le puede ayudar. Para eso, compartiremos con ese servicio su "
          "nombre, cómo comunicarnos con usted y el motivo de la derivación. Puede decir que no, y eso no "
          "cambiará la ayuda que recibe hoy. Puede cambiar de opinión más adelante. ¿Está de acuerdo?",
}
