"""What the pages of several parts share: a record as the signed-in role may see it."""

from datetime import datetime

from flask_login import current_user

from fieldapp import visibility


def seen_as(schema_class, table, obj, *, many=False):
    """``obj`` as the signed-in user's role may see it, with its times turned back into datetimes."""
    return with_times(visibility.view(schema_class, table, current_user.role, many=many).dump(obj))


def with_times(value, key=""):
    if isinstance(value, dict):
        return {name: with_times(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [with_times(item, key) for item in value]
    if isinstance(value, str) and (key.endswith("_at") or key == "at"):
        return datetime.fromisoformat(value)
    return value
