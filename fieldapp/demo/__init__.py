"""Demo data and the commands that load it: the top of the app, beside the app factory."""
