"""fieldapp's rooms for the field's standards: EIDO from CAD, HSDS, FHIR, and integration accounts."""
