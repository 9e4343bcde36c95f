"""Live updates: a durable event table, streamed to phones and the board as Server-Sent Events.

Every change worth showing live (a call created, assigned, reassigned, cancelled, or a status tap)
writes a row to ``live_events`` in the same transaction as the change. Streams read rows after the
client's ``Last-Event-ID``, so a reconnecting client misses nothing. A broker only wakes streams up:
in-process by default, across workers and hosts through Redis when ``REDIS_URL`` is set.
"""
