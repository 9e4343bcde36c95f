"""The standards bodies' own documents, in shared/ beside the checkout (FIELDAPP_SHARED_DIR overrides).

Without them the tests that read them are skipped with the reason, unless REQUIRE_SERVICES is set
(CI), where a missing shared/ fails.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    return Path(os.environ.get("FIELDAPP_SHARED_DIR") or ROOT.parent / "shared")


def standard(*parts) -> Path:
    path = shared_dir().joinpath("standards", *parts)
    if not path.exists():
        message = f"{path} is missing: put shared/ beside the checkout or set FIELDAPP_SHARED_DIR"
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def hsds_example(name: str) -> Path:
    return standard("hsds-3.0", "examples", name)
