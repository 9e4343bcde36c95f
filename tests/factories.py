"""factory_boy factories bound to the app's session."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from fieldapp.accounts import passwords
from fieldapp.accounts.models import User
from fieldapp.extensions import db
from fieldapp.units.models import Shift, Unit

PASSWORD = "correct horse battery staple"
_HASH = passwords.hash_password(PASSWORD)  # hashed once: Argon2 is slow on purpose


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    role = "officer"
    password_hash = _HASH


class UnitFactory(BaseFactory):
    class Meta:
        model = Unit

    call_sign = factory.Sequence(lambda n: f"CR-{n + 1}")


class ShiftFactory(BaseFactory):
    class Meta:
        model = Shift

    unit = factory.SubFactory(UnitFactory)
    clinician = factory.SubFactory(UserFactory, role="clinician")
    officer = factory.SubFactory(UserFactory, role="officer")
