"""Password hashing (Argon2id, memory-hard) and the password policy.

Policy per FBI CJIS Security Policy v6.0 and NIST SP 800-63B: at least 8 characters, no
composition rules, refused when it is on a list of common passwords.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 256

_hasher = PasswordHasher()  # RFC 9106 low-memory profile: Argon2id, 64 MiB, t=3
_common = frozenset(FREQUENCY_LISTS["passwords"])  # 30,000 most common passwords


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def policy_problems(password: str, *, username: str = "") -> list[str]:
    """Why ``password`` may not be used; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _common or (username and username.lower() in lowered):
        problems.append("This password is too common or too easy to guess; choose another.")
    return problems
