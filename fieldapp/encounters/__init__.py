"""Encounters: what happened to each person a unit contacted on a call."""
