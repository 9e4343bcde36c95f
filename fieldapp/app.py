"""The app factory: ``create_app`` assembles the parts (extensions, blueprints, hooks, wiring, commands).

The top of the layers (setup.cfg): it imports every part, and no part imports it."""

from pathlib import Path

from flask import Flask, request
from jinja2 import FileSystemBytecodeCache
from werkzeug.middleware.proxy_fix import ProxyFix

from fieldapp import (
    apidoc,
    commit_order,  # noqa: F401 - the one before-commit listener, in its fixed order
    i18n,
    models,  # noqa: F401 - every model must be known to SQLAlchemy and Alembic
    wiring,
)
from fieldapp import config as settings
from fieldapp.accounts import api as accounts_api
from fieldapp.accounts import lock_views, mfa_api, mfa_views, oidc, oidc_views, passkey_views
from fieldapp.accounts import views as accounts_views
from fieldapp.auditlog import api as audit_api
from fieldapp.auditlog import views as audit_views
from fieldapp.auditlog.commands import audit_command
from fieldapp.billing import views as billing_views
from fieldapp.billing.commands import billing_command
from fieldapp.calls import api as calls_api
from fieldapp.calls import views as calls_views
from fieldapp.casefile import encounter_pages as encounters_views
from fieldapp.casefile import encounters_api
from fieldapp.casefile import notes_pages as notes_views
from fieldapp.casefile import people_pages as people_views
from fieldapp.database import engine_options, limit_statements, normalize_database_url
from fieldapp.dbroles import db_roles_command
from fieldapp.demo.commands import create_user_command, seed_demo_command
from fieldapp.directory import api as directory_api
from fieldapp.directory import views as directory_views
from fieldapp.eligibility import api as not_sent_api
from fieldapp.eligibility import views as not_sent_views
from fieldapp.exports import api as exports_api
from fieldapp.exports import views as exports_views
from fieldapp.exports.commands import export_command
from fieldapp.extensions import api, csrf, db, limiter, login_manager, migrate
from fieldapp.followup_contacts import api as follow_up_contacts_api
from fieldapp.followup_contacts import views as follow_up_contacts_views
from fieldapp.inputs import BoundedIntConverter, check_request, refuse_ids_beyond_range
from fieldapp.integrations.accounts import api as integrations_api
from fieldapp.integrations.accounts import views as integrations_views
from fieldapp.integrations.accounts.commands import integration_cli
from fieldapp.integrations.crisisline import api as crisis_line_api
from fieldapp.integrations.eido import api as eido_api
from fieldapp.integrations.fhir import api as fhir_api
from fieldapp.integrations.hsds import api as hsds_api
from fieldapp.integrations.hsds import views as hsds_views
from fieldapp.integrations.hsds.commands import directory_group
from fieldapp.jobs.backends import make_backend as make_jobs_backend
from fieldapp.jobs.commands import jobs_cli
from fieldapp.live import views as live_views
from fieldapp.live.broker import make_broker
from fieldapp.live.commands import live_command
from fieldapp.metrics import api as metrics_api
from fieldapp.metrics import report as metrics_report
from fieldapp.metrics import views as metrics_views
from fieldapp.metrics.commands import metrics_command
from fieldapp.metrics.tracking import track_rollups
from fieldapp.mfa.commands import mfa_cli
from fieldapp.notes import api as notes_api
from fieldapp.offline import views as offline_views
from fieldapp.offline.views import mark_offline_pages
from fieldapp.people import api as people_api
from fieldapp.positions import api as positions_api
from fieldapp.positions import views as positions_views
from fieldapp.push import api as push_api
from fieldapp.push import keys as push_keys
from fieldapp.push.commands import push_cli
from fieldapp.referrals import api as referrals_api
from fieldapp.referrals import views as referrals_views
from fieldapp.safetyplans import pages as safety_plan_pages
from fieldapp.security.access import enforce_access
from fieldapp.security.headers import set_security_headers
from fieldapp.sync import api as sync_api
from fieldapp.units import api as units_api
from fieldapp.units import views as units_views
from fieldapp.web import views as core_views
from fieldapp.web.assets import register_assets
from fieldapp.web.errors import register_errorhandlers
from fieldapp.web.templating import register_template_helpers
from fieldapp.zones import api as zones_api
from fieldapp.zones import views as zones_views

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Assemble the app. Migrations are a release step (``flask db upgrade``), never run here."""
    app = Flask("fieldapp", static_folder=str(ROOT / "static"), template_folder=str(ROOT / "templates"),
                instance_relative_config=True)
    # Templates compiled once by any process are loaded, not compiled again, by the next (a new
    # worker's first dashboard was 0.4 s slower than its second; issue 24). Keyed by each template's
    # source checksum, so an edited template is compiled again; not keyed by the environment's options,
    # so the file name says which ``finalize`` the code was compiled with (a change needs a new name).
    # finalize: lazy_gettext labels are escaped like any text (fieldapp.i18n.as_text).
    app.jinja_options = {**app.jinja_options, "finalize": i18n.as_text,
                         "bytecode_cache": FileSystemBytecodeCache(pattern="__jinja2_fieldapp_astext_%s.cache")}
    app.config.update(settings.DEFAULTS)
    if config is None:
        app.config.update(settings.from_environment(app.instance_path))
    else:
        app.config.update(config)
        app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
            app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    if app.config.get("PROXY_FIX_HOPS"):
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = BoundedIntConverter  # ids beyond the database's range are a 404
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    wiring.connect(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        limit_statements(db.engine, app.config["DATABASE_STATEMENT_TIMEOUT"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are server-side rows; phones change IPs
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)

    api.init_app(app, spec_kwargs={**apidoc.prepare(api),
                                   "info": {"description": "fieldapp API v1. Authenticate with "
                                            "POST /api/v1/auth/token and send the token as "
                                            "'Authorization: Bearer <token>'. Every error is "
                                            "{\"error\": {\"code\", \"message\", \"fields\"}}."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    app.extensions["fieldapp_live"] = make_broker(app)
    app.extensions["fieldapp_jobs"] = make_jobs_backend(app)
    push_keys.announce(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (accounts_api.blp, units_api.blp, calls_api.blp, directory_api.blp, people_api.blp,
                      encounters_api.blp, referrals_api.blp, notes_api.blp, audit_api.blp, metrics_api.blp,
                      exports_api.blp, mfa_api.blp, integrations_api.blp, eido_api.blp, hsds_api.blp, fhir_api.blp,
                      crisis_line_api.blp,
                      sync_api.blp, not_sent_api.blp, follow_up_contacts_api.blp,
                      push_api.blp, lock_views.blp, positions_api.blp):
        csrf.exempt(blueprint)  # the API checks CSRF itself for cookie sessions (security.access)
        api.register_blueprint(blueprint)
    for blueprint in (core_views.bp, accounts_views.bp, units_views.bp, calls_views.bp, directory_views.bp,
                      encounters_views.bp, referrals_views.bp, notes_views.bp, people_views.bp, audit_views.bp,
                      metrics_views.bp, metrics_report.bp, exports_views.bp, live_views.bp, offline_views.bp,
                      mfa_views.bp, integrations_views.bp, hsds_views.bp, not_sent_views.bp,
                      follow_up_contacts_views.bp, safety_plan_pages.bp, lock_views.bp, billing_views.bp,
                      positions_views.bp):
        app.register_blueprint(blueprint)
    for blueprint in (passkey_views.bp, oidc_views.bp):  # passkeys and single sign-on (issue 22)
        app.register_blueprint(blueprint)
    csrf.exempt(zones_api.blp)  # zones and response targets (issue 20)
    api.register_blueprint(zones_api.blp)
    app.register_blueprint(zones_views.bp)
    oidc.init_app(app)


def register_hooks(app: Flask) -> None:
    register_errorhandlers(app)
    track_rollups()
    register_template_helpers(app)
    register_assets(app)  # hashed static names, WhiteNoise serving /static/ compressed and cached
    app.url_value_preprocessor(refuse_ids_beyond_range)
    app.before_request(check_request)  # what no view may receive, before anything reads it
    app.before_request(enforce_access)

    @app.after_request
    def _headers(response):
        docs = request.path.startswith("/api/docs")
        mark_offline_pages(response)
        return set_security_headers(response, secure=app.config["SESSION_COOKIE_SECURE"], docs=docs)


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(export_command)
    app.cli.add_command(integration_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(directory_group)
    app.cli.add_command(audit_command)
    app.cli.add_command(live_command)
    app.cli.add_command(db_roles_command)
    app.cli.add_command(metrics_command)
    app.cli.add_command(push_cli)
    app.cli.add_command(mfa_cli)
    app.cli.add_command(billing_command)
