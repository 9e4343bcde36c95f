"""HIPAA Safe Harbor helpers (45 CFR 164.514(b)(2)): pseudonymous keys and published ages.

Pseudonymous keys are HMAC-SHA256 of the record id under a key derived from the app's
``SECRET_KEY``: the same person gets the same key in every export (repeat contacts stay
countable), nobody without the secret can compute or reverse them, and they are not derived from
anything about the person (the ids are random UUIDs). Rotating ``SECRET_KEY`` changes every key,
so exports made before and after a rotation cannot be linked.
"""

import hashlib
import hmac

KEY_LABEL = b"fieldapp export pseudonyms v1"
KEY_HEX_CHARS = 32  # 128 bits of the HMAC: no collisions in any realistic number of people
OLDEST_PUBLISHED_AGE = 89  # Safe Harbor: ages over 89 are one group, "90+" (fieldapp.exports.queries)


class Pseudonymizer:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("de-identified exports need the app's SECRET_KEY")
        self._key = hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()

    def _digest(self, kind: bytes, value) -> str:
        """HMAC of the id's canonical text (a UUID's lower-case dashed form, a number's digits)."""
        return hmac.new(self._key, kind + b":" + str(value).encode(), hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]

    def person(self, person_id) -> str | None:
        return None if person_id is None else self._digest(b"person", person_id)

    def call(self, call_id) -> str | None:
        return None if call_id is None else self._digest(b"call", call_id)

