"""Every link from a lower part up to a higher one is made at start-up (fieldapp.wiring)."""

import importlib
import pkgutil

import fieldapp
from fieldapp.calls import fanout
from fieldapp.hooks import Hook, Slot
from fieldapp.integrations.crisisline import status as crisis_line
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.live import services as live
from fieldapp.push import services as push


def _declared():
    """Every Hook and Slot any module of fieldapp declares."""
    found = []
    for info in pkgutil.walk_packages(fieldapp.__path__, "fieldapp."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        found += [value for value in vars(module).values() if isinstance(value, Hook | Slot)]
    return found


def test_every_hook_has_a_receiver_and_every_slot_a_provider(app):
    declared = _declared()
    assert declared, "the wiring declares hooks"
    missing = [item.name for item in declared
               if (isinstance(item, Hook) and not item.receivers) or (isinstance(item, Slot) and not item.provided)]
    assert missing == []


def test_a_call_change_goes_to_live_then_push_then_the_cad_then_the_988_center(app):
    assert fanout.call_changed.receivers == (live.publish, push.call_changed, webhooks.call_changed,
                                             crisis_line.call_changed)


def test_a_slot_refuses_a_second_provider():
    slot = Slot("test.slot", "for the test")
    slot.provide(len)
    slot.provide(len)  # the same provider again: create_app runs once per app
    try:
        slot.provide(sum)
    except RuntimeError as error:
        assert "already provided" in str(error)
    else:
        raise AssertionError("a second provider was accepted")
