"""988 hand-offs: a crisis line center hands a contact to the mobile crisis team (FHIR R4
ServiceRequest or NENA EIDO) and follows it (signed webhooks, FHIR Task). docs/fhir.md documents it."""
