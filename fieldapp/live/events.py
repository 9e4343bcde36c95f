"""What a live event is once committed, and the two rules every stream server shares: events go out
in id order, each once (``Sequencer``), and only to the streams that must receive them (``Audiences``).

Ids are handed out in commit order (``services`` takes a lock for it), so an event id seen committed
means every smaller id is committed or never will be: a gap in what arrives is settled by one read
of the table, and a client resuming after ``Last-Event-ID`` misses nothing.
"""

import json
import threading
from dataclasses import dataclass, field

ALL = "all"  # the dispatch audience: every event


@dataclass(frozen=True)
class Event:
    id: int
    unit_id: int | None
    payload: dict
    frame: bytes = field(compare=False, repr=False, default=b"")

    @classmethod
    def of(cls, id: int, unit_id: int | None, payload: dict) -> "Event":
        data = json.dumps(payload, separators=(",", ":"))
        return cls(id, unit_id, payload, f"id: {id}\nevent: call\ndata: {data}\n\n".encode())

    @classmethod
    def of_row(cls, row) -> "Event":
        return cls.of(row.id, row.unit_id, row.payload)

    def to_message(self) -> dict:
        return {"id": self.id, "unit_id": self.unit_id, "payload": self.payload}

    @classmethod
    def from_message(cls, item: dict) -> "Event":
        return cls.of(int(item["id"]), item.get("unit_id"), item["payload"])


@dataclass(frozen=True)
class Notice:
    """Not an event: the channel's state, sent to every stream when it changes. ``delayed``: Redis
    is lost and events from other processes arrive by the table, within seconds."""

    delayed: bool

    @property
    def frame(self) -> bytes:
        return f"event: state\ndata: {json.dumps({'delayed': self.delayed})}\n\n".encode()


class Sequencer:
    """Passes events on in id order, each once. ``take`` answers None when ids are missing: the
    caller then reads the table after ``last_id`` and hands the rows to ``fill``."""

    def __init__(self, last_id: int = 0):
        self.last_id = last_id

    def take(self, events) -> list[Event] | None:
        fresh = sorted((e for e in events if e.id > self.last_id), key=lambda e: e.id)
        expected = self.last_id + 1
        for event in fresh:
            if event.id != expected:
                return None
            expected += 1
        if fresh:
            self.last_id = fresh[-1].id
        return fresh

    def fill(self, events) -> list[Event]:
        fresh = sorted((e for e in events if e.id > self.last_id), key=lambda e: e.id)
        if fresh:
            self.last_id = fresh[-1].id
        return fresh


class Audiences:
    """Who is listening: dispatch streams hear every event, a crew's streams their unit's only.
    Delivering an event costs one ``put`` per receiving stream and nothing for the others."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_key: dict = {}

    def add(self, key, subscriber) -> None:
        with self._lock:
            self._by_key.setdefault(key, set()).add(subscriber)

    def discard(self, key, subscriber) -> None:
        with self._lock:
            members = self._by_key.get(key)
            if members is not None:
                members.discard(subscriber)
                if not members:
                    del self._by_key[key]

    def __len__(self) -> int:
        with self._lock:
            return sum(len(members) for members in self._by_key.values())

    def tell_all(self, notice: Notice) -> None:
        with self._lock:
            receivers = [member for members in self._by_key.values() for member in members]
        for subscriber in receivers:
            subscriber.put(notice)

    def deliver(self, event: Event) -> None:
        with self._lock:
            receivers = list(self._by_key.get(ALL, ()))
            if event.unit_id is not None:
                receivers.extend(self._by_key.get(event.unit_id, ()))
        for subscriber in receivers:
            subscriber.put(event)
