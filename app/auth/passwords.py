"""Password hashing with argon2id at (above) OWASP's recommended parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP: argon2id, m=19 MiB, t=2, p=1 at minimum. We use m=19 MiB, t=3 (stronger than the minimum).
_hasher = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
# Verified against when the account does not exist, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, used to equalize timing")

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
