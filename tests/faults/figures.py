"""The fault tests' figures (latency, recovery times), printed and kept in
test-artifacts/faults-figures.txt for the report."""

from pathlib import Path

FILE = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults-figures.txt"


def note(text: str) -> None:
    FILE.parent.mkdir(parents=True, exist_ok=True)
    with FILE.open("a") as out:
        out.write(text + "\n")
    print(text)
