"""Billing profiles: one YAML (or JSON) file per state under ``BILLING_PROFILES_DIR`` (default: the
repository's ``billing_profiles/``), checked against ``profile.schema.json`` with jsonschema when loaded.

The agency edits the files; a file that does not fit the schema is refused with the path of the
first problem, so a typo never produces claims (docs/billing.md)."""

import json
import re
from functools import cache
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from fieldapp.errors import Invalid

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "billing_profiles"
NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SUFFIXES = (".yaml", ".yml", ".json")


class ProfileError(Invalid):
    """A profile file that does not fit the schema (or cannot be read)."""


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads((Path(__file__).parent / "profile.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def directory() -> Path:
    return Path(current_app.config.get("BILLING_PROFILES_DIR") or DEFAULT_DIR)


def available() -> list[str]:
    """The profiles' names (file names without the suffix), sorted."""
    folder = directory()
    if not folder.is_dir():
        return []
    return sorted({path.stem for path in folder.iterdir() if path.suffix in SUFFIXES})


def problems(document) -> list[str]:
    """What is wrong with a profile: each as 'where: what' (empty: it fits the schema)."""
    found = []
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(the file)"
        found.append(f"{where}: {error.message}")
    return found


def parse(text: str, suffix: str, source: str = "profile") -> dict:
    try:
        document = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as error:
        raise ProfileError(f"{source} cannot be read: {error}", fields={"profile": [str(error)]}) from error
    found = problems(document)
    if found:
        raise ProfileError(f"{source} does not fit the billing profile schema: {found[0]}",
                           fields={"profile": found})
    return document


def load(name: str) -> dict:
    """The profile called ``name`` (NY reads billing_profiles/NY.yaml), validated."""
    if not isinstance(name, str) or not NAME.match(name):
        raise Invalid(_("No such billing profile."), fields={"profile": [_("Choose a billing profile from the list.")]})
    for suffix in SUFFIXES:
        path = directory() / f"{name}{suffix}"
        if path.is_file():
            return parse(path.read_text(encoding="utf-8"), suffix, source=path.name)
    raise Invalid(_("No such billing profile."), fields={"profile": [_("Choose a billing profile from the list.")]})
