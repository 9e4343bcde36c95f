"""Standards fieldapp speaks with other systems: a package per standard (NENA EIDO, Open Referral HSDS, HL7 FHIR)."""
