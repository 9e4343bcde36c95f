"""HL7 FHIR R4 referrals (Gravity SDOH Clinical Care): ServiceRequest and Task, and partners closing the loop."""
