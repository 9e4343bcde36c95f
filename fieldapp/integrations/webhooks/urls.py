"""Where fieldapp may send a webhook: ``https`` on a public address only (the rules and the DNS
rebinding defence are ``fieldapp.outbound``'s). ``WEBHOOK_ALLOW_INSECURE_URLS=1`` (tests only) also
allows ``http`` and loopback; private, link-local and other reserved ranges stay refused even then.
"""

from flask import current_app

from fieldapp import outbound
from fieldapp.i18n.messages import N_

WHAT = N_("Webhook URLs")


def insecure_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_INSECURE_URLS"))


def check_webhook_url(url: str) -> str | None:
    """What is wrong with ``url`` as a webhook address (without resolving names), or None."""
    return outbound.check_url(url, insecure=insecure_allowed(), what=WHAT)
