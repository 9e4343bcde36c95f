"""Job functions of the webhooks: thin, idempotent wrappers around the services (safe to run twice:
a delivery is claimed with a lease before it is sent, and a delivered one is never sent again)."""

from fieldapp.integrations.webhooks import services
from fieldapp.jobs import queue as jobs


def deliver_stream(integration_id: int, call_id: int) -> int:
    return services.deliver_stream(integration_id, call_id)


def sweep() -> int:
    """Enqueue every (integration, call) with a delivery that is due (a retry, or a lost job)."""
    streams = services.due_streams()
    for integration_id, call_id in streams:
        jobs.enqueue(services.JOB, integration_id, call_id, dedupe=f"webhook:{integration_id}:{call_id}")
    return len(streams)
