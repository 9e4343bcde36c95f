"""fieldapp's rooms for the field's standards, one package each: NENA EIDO from CAD (`eido`), Open Referral
HSDS (`hsds`), HL7 FHIR referrals (`fhir`), plus integration accounts and signed webhooks."""
