"""Units with a crew of two on shift, a dispatcher, and a way in for each phone, made in a fresh
database for the load run (`make bench-live` without BASE_URL) and the pooler test. Written in the
credentials file's form (bench/load/ledger.py): most phones get an API token; every
``browser_every``-th signs in through /login as a browser, with the shared password."""

import secrets


def create_crews(database_url: str, units: int, *, browser_every: int = 20, pooler: str | None = None) -> dict:
    from fieldapp import create_app
    from fieldapp.accounts import passwords
    from fieldapp.accounts import services as accounts
    from fieldapp.accounts.models import User
    from fieldapp.extensions import db
    from fieldapp.units.models import Shift, Unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "load", "REDIS_URL": None,
                      "DATABASE_POOLER": pooler})
    password = secrets.token_urlsafe(16)
    with app.app_context():
        password_hash = passwords.hash_password(password)  # one hash for all: 2,000 people in seconds

        def person(username, role):
            return User(username=username, full_name=username.title(), role=role, password_hash=password_hash)

        dispatcher = person("load-dispatcher", "dispatcher")
        crews = []
        for number in range(units):
            unit = Unit(call_sign=f"L-{number:04d}")
            members = [person(f"load-officer{number:04d}", "officer"),
                       person(f"load-clinician{number:04d}", "clinician")]
            db.session.add_all([unit, *members])
            crews.append((unit, members))
        db.session.add(dispatcher)
        db.session.flush()
        for unit, (officer, clinician) in crews:
            db.session.add(Shift(unit=unit, officer=officer, clinician=clinician, started_by_id=dispatcher.id))
        db.session.commit()
        count = 0

        def way_in(user):
            nonlocal count
            count += 1
            if browser_every and count % browser_every == 0:
                return {"username": user.username, "password": password, "browser": True}
            token, _ = accounts.start_session(user, "api")
            return {"token": token}

        dispatcher_token, _ = accounts.start_session(dispatcher, "api")
        result = {"dispatcher": {"token": dispatcher_token},
                  "units": [{"id": unit.id, "devices": [way_in(member) for member in members]}
                            for unit, members in crews]}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return result
