"""fieldapp: the field app for police / mental-health co-responder teams.

The layers and where each rule lives: docs/architecture.md. The app factory is ``fieldapp.app``.
"""


def create_app(config: dict | None = None):
    """The app (``fieldapp.app.create_app``), here for ``flask --app fieldapp`` and gunicorn's
    ``'fieldapp:create_app()'``."""
    # Imported on the call, not with the package: importing any part of fieldapp (a model, a service)
    # must not assemble the whole app, which imports every part.
    from fieldapp.app import create_app as assemble

    return assemble(config)
