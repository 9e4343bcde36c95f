"""How a lower part reaches a higher one without importing it.

Dependencies point down the layers (``setup.cfg``, ``[importlinter]``). When a lower part must call
into a higher one (a call's change goes out to the live stream, push and CAD, which sit above calls),
the lower part declares a ``Hook`` and calls it at the place of the change; the higher part's function
is connected at start-up, in one place (``fieldapp.wiring``), so a reader finds every such link there.

A ``Hook`` calls its receivers in the order they were connected; connecting the same function twice
(``create_app`` runs once per app, several times in tests) keeps one.
"""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str, doc: str):
        self.name, self.__doc__ = name, doc
        self._receivers: list[Callable] = []

    def connect(self, receiver: Callable) -> Callable:
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable, ...]:
        return tuple(self._receivers)

    def __call__(self, *args, **kwargs) -> None:
        for receiver in self._receivers:
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receivers>"


class Slot:
    """One function a lower part needs and exactly one higher part provides (at start-up)."""

    def __init__(self, name: str, doc: str):
        self.name, self.__doc__ = name, doc
        self._provider: Callable | None = None

    def provide(self, provider: Callable) -> Callable:
        if self._provider is not None and self._provider is not provider:
            raise RuntimeError(f"{self.name} is already provided by {self._provider!r}")
        self._provider = provider
        return provider

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, *args, **kwargs):
        if self._provider is None:
            raise RuntimeError(f"{self.name} is not provided: create_app connects it (fieldapp.wiring)")
        return self._provider(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {self._provider!r}>"
