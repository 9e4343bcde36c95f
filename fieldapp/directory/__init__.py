"""The service directory, shaped like Open Referral HSDS 3.0: organizations and their services."""
