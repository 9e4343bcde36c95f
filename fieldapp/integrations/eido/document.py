"""Reading an EIDO document (NENA-STA-021, JSON) whatever its casing and shapes.

Versions differ: ``lastUpdateTimeStamp`` or ``LastUpdateTimeStamp``, ``eidoVersion`` or
``EIDOVersion``, a value or a list of values. Keys are matched without regard to case, every value
can be read as a list or as its first item, and components are found by ``$id`` so that
``{"$ref": "<$id>"}`` links between them can be followed.
"""

from datetime import datetime

from flask_babel import gettext as _

from fieldapp.errors import Invalid


def ci_get(obj, name, default=None):
    """``obj[name]`` with the key matched case-insensitively; ``default`` if absent or not a dict."""
    if not isinstance(obj, dict):
        return default
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for key, value in obj.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return default


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first(value):
    items = as_list(value)
    return items[0] if items else None


def text(value, field: str, *, max_length=2000) -> str | None:
    """A string value (or the first of a list), stripped; a number or object is a 422 naming the field."""
    value = first(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=field), fields={field: [_("Must be a string.")]})
    value = value.strip()
    return value[:max_length] or None


def texts(value, field: str, *, max_length=500) -> list[str]:
    """Every string of a value or list of values, stripped; anything but text is a 422."""
    found = []
    for item in as_list(value):
        if not isinstance(item, str):
            raise Invalid(f"{field} must be text.", fields={field: [_("Must be a string or a list of strings.")]})
        if item.strip():
            found.append(item.strip()[:max_length])
    return found


def timestamp(value, field: str) -> datetime | None:
    value = text(value, field, max_length=64)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field} is not an ISO 8601 date-time.", fields={field: [_("Not a date-time.")]}) from None
    if moment.tzinfo is None:
        raise Invalid(_("%(field)s has no UTC offset; fieldapp does not guess time zones.", field=field),
                      fields={field: [_("Give the UTC offset (Z or +hh:mm).")]})
    return moment


MAX_DEPTH = 20


def check_clean(value, depth=0, where="document") -> None:
    """Refuse what no database column can hold (NUL bytes, lone surrogates) and absurd nesting."""
    if depth > MAX_DEPTH:
        raise Invalid(_("The EIDO document is nested too deeply."), fields={where: [f"At most {MAX_DEPTH} levels."]})
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
            raise Invalid(_("The EIDO document holds text that is not valid (a NUL byte or a lone surrogate)."),
                          fields={where: [_("Not valid text.")]})
    elif isinstance(value, dict):
        for key, item in value.items():
            check_clean(key, depth + 1, where)
            check_clean(item, depth + 1, key if isinstance(key, str) else where)
    elif isinstance(value, list):
        for item in value:
            check_clean(item, depth + 1, where)


class Document:
    """An EIDO document: its components by kind (``incident``, ``location``, ...) and by ``$id``."""

    def __init__(self, raw: dict):
        if not isinstance(raw, dict):
            raise Invalid(_("An EIDO document is a JSON object."), fields={"_schema": [_("Expected an object.")]})
        check_clean(raw)
        self.raw = raw
        self.components: dict[str, list[dict]] = {}
        self.by_id: dict[str, dict] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not key.lower().endswith("component"):
                continue
            kind = key[:-len("component")].lower()
            items = as_list(value)
            if not all(isinstance(item, dict) for item in items):
                raise Invalid(_("%(key)s must hold objects.", key=key), fields={key: [_("Expected objects.")]})
            self.components.setdefault(kind, []).extend(items)
            for item in items:
                component_id = ci_get(item, "$id")
                if isinstance(component_id, str):
                    self.by_id[component_id] = item

    def get(self, name, default=None):
        return ci_get(self.raw, name, default)

    def of_kind(self, *kinds) -> list[dict]:
        return [item for kind in kinds for item in self.components.get(kind.lower(), [])]

    def follow(self, component: dict, reference_name: str) -> list[dict]:
        """The components that ``component[reference_name]`` points at with ``{"$ref": ...}`` links."""
        found = []
        for link in as_list(ci_get(component, reference_name)):
            target = ci_get(link, "$ref") if isinstance(link, dict) else link
            if isinstance(target, str) and target in self.by_id:
                found.append(self.by_id[target])
        return found

    def latest_update(self) -> datetime | None:
        """The newest ``lastUpdateTimeStamp`` of the document and its components."""
        moments = [timestamp(self.get("lastUpdateTimeStamp"), "lastUpdateTimeStamp")]
        for kind, items in self.components.items():
            for item in items:
                moments.append(timestamp(ci_get(item, "lastUpdateTimeStamp"), f"{kind}Component.lastUpdateTimeStamp"))
        moments = [moment for moment in moments if moment is not None]
        return max(moments) if moments else None
