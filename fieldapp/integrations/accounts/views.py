"""Admin pages: integration accounts (the key shown once), and their webhook deliveries."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldapp.directory.models import Organization
from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.integrations.accounts import services
from fieldapp.integrations.accounts.schemas import IntegrationCreateSchema
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.roles import ADMIN
from fieldapp.web.access import allow
from fieldapp.web.forms import flash_refusal, form_errors, load

bp = Blueprint("integrations", __name__, url_prefix="/admin/integrations")


def _index(form=None, errors=None, status=200):
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    accounts = services.list_accounts()
    return render_template("integrations/index.html", accounts=accounts, kinds=services.KINDS,
                           organizations=organizations, counts={a.id: webhooks.counts(a.id) for a in accounts},
                           form=form or {}, errors=errors or {}), status


def _shown_once(account, key, secret=None):
    response = render_template("integrations/key.html", account=account, key=key, secret=secret)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("", methods=["GET"])
@allow(ADMIN)
def index():
    return _index()


@bp.route("", methods=["POST"])
@allow(ADMIN)
def create():
    form = request.form.to_dict()
    payload = {"name": form.get("name", ""), "kind": form.get("kind", ""),
               "organization_id": form.get("organization_id") or None,
               "webhook_url": form.get("webhook_url") or None}
    data, errors = load(IntegrationCreateSchema(), payload)
    if errors:
        return _index(form, errors, 422)
    try:
        account, key, secret = services.create_account(by=current_user, **data)
    except ServiceError as error:
        errors, status = form_errors(error)
        return _index(form, errors, status)
    return _shown_once(account, key, secret)


@bp.route("/<int:account_id>", methods=["GET"])
@allow(ADMIN)
def show(account_id):
    account = services.get_account(account_id)
    status = request.args.get("status") if request.args.get("status") in ("pending", "failed", "delivered") else None
    return render_template("integrations/show.html", account=account, status=status, kinds=services.KINDS,
                           action_labels=services.ACTIONS[account.kind],
                           counts=webhooks.counts(account.id),
                           deliveries=webhooks.list_deliveries(integration_id=account.id, status=status))


@bp.route("/<int:account_id>/rotate", methods=["POST"])
@allow(ADMIN)
def rotate(account_id):
    try:
        account, key = services.rotate_key(account_id, by=current_user)
    except ServiceError as error:
        flash_refusal(error)
        return redirect(url_for("integrations.show", account_id=account_id))
    return _shown_once(account, key)


@bp.route("/<int:account_id>/revoke", methods=["POST"])
@allow(ADMIN)
def revoke(account_id):
    account = services.revoke(account_id, by=current_user)
    flash(_("%(name)s's key is revoked; it can no longer reach fieldapp.", name=account.name), "success")
    return redirect(url_for("integrations.show", account_id=account_id))


@bp.route("/<int:account_id>/webhook", methods=["POST"])
@allow(ADMIN)
def set_webhook(account_id):
    try:
        services.set_webhook(account_id, request.form.get("webhook_url", "")[:600], by=current_user)
        flash(_("Webhook address saved."), "success")
    except ServiceError as error:
        flash_refusal(error)
    return redirect(url_for("integrations.show", account_id=account_id))


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@allow(ADMIN)
def retry(delivery_id):
    delivery = webhooks.retry_now(delivery_id, by=current_user)
    flash(_("Delivery %(id)s will be sent again now.", id=delivery.id), "success")
    return redirect(url_for("integrations.show", account_id=delivery.integration_id))
