"""Password hashing (Argon2id, memory-hard) and the password policy.

Policy per FBI CJIS Security Policy v6.0 (IA-5) and NIST SP 800-63B section 5.1.1.2: at least 8
characters, no composition rules, and refused when it is easy to guess: on a list of passwords
from breaches, repetitive or sequential, a keyboard walk, or built from the user's own name.

The check is offline. It uses zxcvbn (the Python port of Dropbox's estimator, on PyPI, MIT
licence), which bundles the 30,000 most common passwords from breach corpora plus word and name
lists, and matches them with l33t substitutions, reversals and appended years. A password is
refused when zxcvbn estimates fewer than GUESSES_NEEDED guesses. We use its guess count rather
than its 0-4 score: the score rates any 8 random characters "2", so a score rule strict enough to
refuse "Summer2026" (about 10^6 guesses) would refuse every 8-character password, against the
policy's 8-character minimum. 10^7 refuses those and keeps 8 random characters (about 10^8).
"""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 256
GUESSES_NEEDED = 10 ** 7
_ESTIMATED_LENGTH = 72  # zxcvbn's own limit; the start of a long password is what gets judged

# RFC 9106 "second recommended option" (low memory): Argon2id, 64 MiB, 3 passes, 4 lanes.
PROFILE = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
_hasher = PasswordHasher(**PROFILE)

# What the user reads for the weakest part zxcvbn found, in the order we check them.
ADVICE = {
    "name": "Don't use your username or your name.",
    "breached": "This password, or one very like it, is on lists of passwords leaked in breaches.",
    "repeat": "Repeated characters or groups like \"aaaa\" or \"abcabc\" are easy to guess.",
    "sequence": "Sequences like \"abcd\" or \"4321\" are easy to guess.",
    "spatial": "Keyboard patterns like \"qwerty\" or \"1qaz2wsx\" are easy to guess.",
    "date": "Years and dates are easy to guess.",
    "words": "A single common word or name is easy to guess.",
}
TOO_GUESSABLE = ("This password is too common or too easy to guess. "
                 "A phrase of three or four unrelated words works well.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def policy_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Why ``password`` may not be used, written for the user; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    if _contains_name(password, username, full_name):
        return [ADVICE["name"], TOO_GUESSABLE]
    names = [part for part in re.split(r"[\s._-]+", f"{username} {full_name}") if len(part) > 2]
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=names)
    if estimate["guesses"] >= GUESSES_NEEDED:
        return []
    advice = [ADVICE[kind] for kind in ADVICE if kind in {_kind(match) for match in estimate["sequence"]}]
    return [*advice, TOO_GUESSABLE]


def _contains_name(password: str, username: str, full_name: str) -> bool:
    squeezed = re.sub(r"\s+", "", password).lower()
    candidates = {username.lower(), re.sub(r"\s+", "", full_name).lower()}
    return any(len(name) > 2 and name in squeezed for name in candidates)


def _kind(match: dict) -> str | None:
    pattern = match["pattern"]
    if pattern == "dictionary":
        return {"user_inputs": "name", "passwords": "breached"}.get(match["dictionary_name"], "words")
    if pattern == "regex" and match.get("regex_name") == "recent_year":
        return "date"
    return pattern if pattern in ADVICE else None
