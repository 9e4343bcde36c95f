"""HSDS 3.0 records -> the values fieldapp's directory services take, and taxonomy terms -> categories.

Categories arrive in HSDS through attributes that point at taxonomy terms. A term maps to one of
fieldapp's categories through ``DEFAULT_TERMS`` and the ``HSDS_CATEGORY_MAP`` setting (a JSON object,
keys matched without regard to case against ``<taxonomy>:<code>``, the code, then the name). Terms
of fieldapp's own export taxonomy (``fieldapp-category``) always map back to their category.
"""

import re
import uuid
from datetime import date

from fieldapp.directory.models import CATEGORIES
from fieldapp.directory.places import LOCATION_TYPES

FIELDAPP_TAXONOMY = "fieldapp-category"
# Open Eligibility (the taxonomy HSDS examples use) top-level and common terms, by name.
DEFAULT_TERMS = {
    "crisis intervention": "crisis", "mental health care": "mental_health", "counseling": "mental_health",
    "substance abuse": "substance_use", "addiction & recovery": "substance_use", "housing": "housing",
    "emergency shelter": "housing", "temporary shelter": "housing", "food": "food", "medical care": "medical",
    "health": "medical", "case management": "case_management", "peer support": "peer_support",
    "youth": "youth", "domestic violence": "domestic_violence", "legal": "legal", "legal aid": "legal",
    "benefits": "benefits", "money": "benefits",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
INT32 = 2**31 - 1


def as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def clean_text(value, limit=None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if limit and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text or None


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -INT32 <= number <= INT32 else None


def _coordinate(value, bound) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -bound <= number <= bound else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


# --- categories ----------------------------------------------------------------------------

def term_label(term: dict) -> str:
    parts = [term.get("taxonomy"), term.get("code")]
    label = ":".join(str(part) for part in parts if part) or str(term.get("id"))
    return f"{label} ({term['name']})" if term.get("name") else label


def category_of(attributes, mapping: dict) -> tuple[str | None, list[str]]:
    """The category of the first term that maps, and the labels of the terms that do not."""
    found, unmapped = None, []
    for attribute in attributes or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        category = _category(term, mapping)
        if category is None:
            unmapped.append(term_label(term))
        elif found is None:
            found = category
    return found, unmapped


def _category(term: dict, mapping: dict) -> str | None:
    code, name, taxonomy = (str(term.get(key) or "").strip().lower() for key in ("code", "name", "taxonomy"))
    if taxonomy == FIELDAPP_TAXONOMY and code in CATEGORIES:
        return code
    for key in (f"{taxonomy}:{code}" if taxonomy and code else None, code or None, name or None):
        if key and key in mapping:
            return mapping[key]
    return None


def category_map(setting: dict | None) -> dict:
    """DEFAULT_TERMS with the setting on top, keys lower-cased. Unknown categories are refused."""
    merged = dict(DEFAULT_TERMS)
    for key, category in (setting or {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"HSDS_CATEGORY_MAP maps {key!r} to {category!r}, which is not a category "
                             f"(one of: {', '.join(CATEGORIES)}).")
        merged[str(key).strip().lower()] = category
    return merged


# --- records -------------------------------------------------------------------------------

def organization_values(hsds: dict) -> dict:
    return {"name": clean_text(hsds.get("name")) or "", "description": str(hsds.get("description") or ""),
            "website": clean_text(hsds.get("website"))}


def phone_values(hsds: dict) -> dict:
    number = (clean_text(hsds.get("number")) or "").strip("\"' ")
    return {"number": number, "extension": _int(hsds.get("extension")), "type": clean_text(hsds.get("type"), 20),
            "description": str(hsds.get("description") or "")}


def phone_text(values: dict) -> str:
    extension = values.get("extension")
    return clean_text(values["number"] + (f" ext. {extension}" if extension is not None else ""), 40)


def schedule_values(hsds: dict) -> dict:
    opens, closes = (clean_text(hsds.get(key)) for key in ("opens_at", "closes_at"))
    return {"freq": clean_text(hsds.get("freq"), 10), "interval": _int(hsds.get("interval")),
            "byday": clean_text(hsds.get("byday"), 40),
            "opens_at": opens if opens and _TIME.match(opens) else None,
            "closes_at": closes if closes and _TIME.match(closes) else None,
            "valid_from": _date(hsds.get("valid_from")), "valid_to": _date(hsds.get("valid_to")),
            "description": str(hsds.get("description") or "")}


def hours_text(values: dict) -> str | None:
    if values["description"].strip():
        return clean_text(values["description"], 200)
    times = "–".join(time[:5] for time in (values["opens_at"], values["closes_at"]) if time)
    return clean_text(" ".join(part for part in (values["byday"], times) if part), 200)


def location_values(hsds: dict) -> tuple[dict, list[str]]:
    """Values of a location and its first address, and what was left out and why. Parts the record
    does not carry (no ``addresses``, no coordinates: a brief location in a list) are not included,
    so importing a brief record never clears what a full one brought."""
    notes, values = [], {"name": clean_text(hsds.get("name"), 200),
                         "location_type": hsds.get("location_type") if hsds.get("location_type") in LOCATION_TYPES
                         else "physical", "description": str(hsds.get("description") or "")}
    if "latitude" in hsds or "longitude" in hsds:
        latitude, longitude = _coordinate(hsds.get("latitude"), 90), _coordinate(hsds.get("longitude"), 180)
        if None in (latitude, longitude) and (hsds.get("latitude"), hsds.get("longitude")) != (None, None):
            notes.append(f"Location {hsds.get('id')}: coordinates ({hsds.get('latitude')}, {hsds.get('longitude')}) "
                         "are not a latitude and longitude; left out.")
            latitude = longitude = None
        values.update(latitude=latitude, longitude=longitude)
    if "addresses" in hsds:
        addresses = [address for address in hsds.get("addresses") or [] if isinstance(address, dict)]
        address = next((a for a in addresses if a.get("address_type") == "physical"),
                       addresses[0] if addresses else {})
        country = clean_text(address.get("country"))
        values.update(
            address_id=as_uuid(address.get("id")) if address.get("id") else None,
            address_1=clean_text(address.get("address_1"), 200), address_2=clean_text(address.get("address_2"), 200),
            city=clean_text(address.get("city"), 100), state_province=clean_text(address.get("state_province"), 100),
            postal_code=clean_text(address.get("postal_code"), 20),
            country=country.upper() if country and len(country) == 2 else None,
            address_type=clean_text(address.get("address_type"), 20))
    return values, notes


def address_text(location) -> str | None:
    """One line for the field pages, from a stored location."""
    region = " ".join(part for part in (location.state_province, location.postal_code) if part)
    return clean_text(", ".join(part for part in (location.address_1, location.address_2, location.city, region)
                                if part), 200)
