"""Job functions of Web Push: thin, idempotent wrappers around the services (a message is claimed
with a lease before it is sent, and a sent one is never sent again)."""

from fieldapp.jobs import queue as jobs
from fieldapp.push import services


def deliver(message_id: int):
    return services.deliver(message_id)


def sweep() -> int:
    """Enqueue every message that is due again (a retry, or a job lost with a worker), and prune."""
    due = services.due_messages()
    for message_id in due:
        jobs.enqueue(services.JOB, message_id, dedupe=f"push:{message_id}")
    services.prune()
    return len(due)
