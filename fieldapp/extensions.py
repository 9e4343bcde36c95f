"""Unbound extension objects; ``create_app`` binds them. Nothing else lives here."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from fieldapp.database import Base


class FieldApi(Api):
    """flask-smorest's Api with the app's own error handling (see ``fieldapp.errors``)."""

    def _register_error_handlers(self):
        # fieldapp.errors registers one handler for pages and API alike.
        pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
api = FieldApi()
limiter = Limiter(key_func=get_remote_address)  # only the sign-in routes carry limits (security.throttle)
babel = Babel()  # the user's language and the agency's zone (fieldapp.i18n)
