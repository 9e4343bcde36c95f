"""Locations in PIDF-LO (RFC 4119 / RFC 5491): a civic address (RFC 5139) and coordinates (GML).

Parsed with defusedxml: no entity expansion, no external entities, no DTDs. A PIDF-LO that is not
well-formed XML still gives its ``gml:pos`` coordinates if they can be read (the 2020 EIDO sample's
is not well-formed); a document with entity declarations is refused.
"""

import re
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask_babel import gettext as _

from fieldapp.errors import Invalid

GML = "{http://www.opengis.net/gml}"
CIVIC = "{urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr}"
_POS = re.compile(r"<(?:\w+:)?pos>\s*(-?\d{1,3}(?:\.\d+)?)\s+(-?\d{1,3}(?:\.\d+)?)")
MAX_XML = 64 * 1024


@dataclass
class Place:
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    street: str | None = None  # the street alone, for a cross street


def _coordinates(raw_lat, raw_lon) -> tuple[float | None, float | None]:
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except (TypeError, ValueError):
        return None, None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None, None


def _civic(element) -> tuple[str | None, str | None]:
    """(one-line address, street) from a civicAddress element, e.g. '42 W Cellular Street, Wilmington, DE'."""
    def part(name):
        found = element.find(CIVIC + name)
        return found.text.strip() if found is not None and found.text and found.text.strip() else None

    street = " ".join(filter(None, [part("PRD"), part("RD") or part("A6"), part("STS"), part("POD")]))
    number = "".join(filter(None, [part("HNO"), part("HNS")]))
    line = " ".join(filter(None, [number, street]))
    unit = ", ".join(filter(None, [f"Apt {part('UNIT')}" if part("UNIT") else None,
                                   f"Floor {part('FLR')}" if part("FLR") else None]))
    place = " ".join(filter(None, [part("A1"), part("PC")]))
    address = ", ".join(filter(None, [line, unit, part("LOC"), part("NAM"), part("A3"), place]))
    return address or None, street or None


def parse(xml: str, field: str) -> Place:
    if not isinstance(xml, str):
        raise Invalid(_("%(field)s must be a PIDF-LO XML string.", field=field), fields={field: ["Must be a string."]})
    if len(xml) > MAX_XML:
        raise Invalid(_("%(field)s is too large.", field=field), fields={field: [f"At most {MAX_XML} characters."]})
    try:
        root = SafeET.fromstring(xml.strip())
    except DefusedXmlException:
        raise Invalid(_("%(field)s declares entities or a DTD; such XML is refused.", field=field),
                      fields={field: [_("Entities and DTDs are not accepted.")]}) from None
    except SafeET.ParseError:
        match = _POS.search(xml)
        lat, lon = _coordinates(*match.groups()) if match else (None, None)
        return Place(lat=lat, lon=lon)
    place = Place()
    civic = next(iter(root.iter(CIVIC + "civicAddress")), None)
    if civic is not None:
        place.address, place.street = _civic(civic)
    pos = next(iter(root.iter(GML + "pos")), None)
    if pos is not None and pos.text:
        numbers = pos.text.split()
        if len(numbers) >= 2:
            place.lat, place.lon = _coordinates(numbers[0], numbers[1])
    return place


def street_of(value: str, field: str) -> str | None:
    """A cross street given as PIDF-LO, or as plain text."""
    if value.lstrip().startswith("<"):
        place = parse(value, field)
        return place.street or place.address
    return value.strip() or None
