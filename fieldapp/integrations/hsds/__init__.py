"""Open Referral HSDS 3.0: importing a directory (JSON or the tabular package) and exporting services."""
