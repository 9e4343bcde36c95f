"""Status back to CAD: signed webhooks from a durable delivery table, sent by the job worker."""


def enqueue_for_call(event: str, call, *, encounter=None) -> None:
    """Owe each CAD integration of ``call`` a webhook about ``event`` (see ``webhooks.services``)."""
    from fieldapp.integrations.webhooks import services

    services.enqueue_for_call(event, call, encounter=encounter)
