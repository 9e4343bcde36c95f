"""Every link from a lower part up to a higher one, made at start-up in one place.

Dependencies point down the layers (``setup.cfg``, ``[importlinter:contract:layers]``). Where a lower
part must reach a higher one, it declares a hook (``fieldapp.hooks``) and this module connects the
higher part's function to it; ``create_app`` calls ``connect`` once per app (connecting twice keeps one).
Read this file to see who is told of what.
"""

from flask import Flask

from fieldapp.accounts import services as accounts
from fieldapp.calls import constants as call_constants
from fieldapp.calls import fanout
from fieldapp.calls import services as calls
from fieldapp.calls import views as call_pages
from fieldapp.encounters import briefing
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.live import services as live
from fieldapp.push import services as push
from fieldapp.units import services as units


def connect(app: Flask) -> None:
    # A call's change goes out, in this order: the live stream, the crew's phones, the CAD.
    fanout.call_changed.connect(live.publish)
    fanout.call_changed.connect(push.call_changed)
    fanout.call_changed.connect(webhooks.call_changed)
    # Sign-ins that end take their push subscriptions with them.
    accounts.sessions_ended.connect(push.end_subscriptions)
    # A unit's status is derived from its active calls.
    units.active_calls.provide(calls.active_calls)
    # The call page's briefing: earlier contacts at the place or with the people.
    call_pages.briefing_of.provide(briefing.briefing)
    # The calls' vocabulary, for every page's templates.
    app.jinja_env.globals.update(call_constants.TEMPLATE_GLOBALS)
