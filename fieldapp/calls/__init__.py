"""Calls for service: intake, assignment, status timeline, the dispatcher's board."""
