"""Password policy and argon2id hashing with a bound on concurrent hashes."""

from __future__ import annotations

import gzip
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from api.text import fold

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "OWASP_MINIMUMS",
    "PasswordHasher",
    "check_password_policy",
    "configure",
    "hash_password",
    "is_common_password",
    "needs_rehash",
    "verify_password",
]

# NIST SP 800-63B: at least 8 characters, allow at least 64, no composition rules; 128 keeps
# room for passphrases while bounding the work a single request can ask for.
MIN_LENGTH = 8
MAX_LENGTH = 128

# OWASP Password Storage Cheat Sheet, argon2id: equally strong (memory KiB, iterations)
# pairs, all with parallelism 1. Parameters must reach at least one of them.
OWASP_MINIMUMS: tuple[tuple[int, int], ...] = (
    (47104, 1),
    (19456, 2),
    (12288, 3),
    (9216, 4),
    (7168, 5),
)


def _normalize(password: str) -> str:
    """Return the NFKC form of ``password`` so every keyboard yields the same bytes."""
    # Vietnamese typed with Telex/VNI on a phone is precomposed (NFC) while some desktop
    # input methods emit decomposed marks; NIST 800-63B asks verifiers to normalize (NFKC or
    # NFKD) so "mật khẩu" from either device hashes identically.
    return unicodedata.normalize("NFKC", password)


class PasswordHasher:
    """argon2id hasher that limits how many hashes run at once (each takes memory_cost KiB)."""

    def __init__(
        self,
        *,
        time_cost: int = 3,
        memory_cost: int = 65536,
        parallelism: int = 4,
        max_concurrent: int = 4,
    ) -> None:
        """Build a hasher; defaults are argon2-cffi's RFC 9106 low-memory profile."""
        if parallelism < 1 or max_concurrent < 1:
            raise ValueError("parallelism and max_concurrent must be at least 1")
        if not any(memory_cost >= m and time_cost >= t for m, t in OWASP_MINIMUMS):
            raise ValueError(
                f"argon2id parameters m={memory_cost} KiB, t={time_cost} are below OWASP's "
                "minimum (e.g. m=19456, t=2)"
            )
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        # Each hash or verify allocates memory_cost KiB; without a bound a burst of sign-ins
        # could exhaust a small server's RAM. Callers block until a slot is free.
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def hash_password(self, password: str) -> str:
        """Return the PHC-format argon2id hash of ``password`` (NFKC-normalized first)."""
        with self._slots:
            return self._hasher.hash(_normalize(password))

    def verify_password(self, password_hash: str, password: str) -> bool:
        """Return whether ``password`` matches; False for a wrong password or unusable hash."""
        if not isinstance(password_hash, str) or not isinstance(password, str):
            return False
        try:
            with self._slots:
                return self._hasher.verify(password_hash, _normalize(password))
        except (VerificationError, InvalidHashError, ValueError):
            # VerifyMismatchError is a VerificationError; a hash in another format (bcrypt,
            # empty, truncated) raises InvalidHashError. Neither is a server error at sign-in.
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Return whether ``password_hash`` was made with other parameters (or is not argon2)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError, TypeError):
            return True


_default_hasher = PasswordHasher()
_default_lock = threading.Lock()


def configure(
    *, time_cost: int, memory_cost: int, parallelism: int, max_concurrent: int = 4
) -> PasswordHasher:
    """Replace the hasher behind the module-level functions (call once at start-up)."""
    global _default_hasher
    new = PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        max_concurrent=max_concurrent,
    )
    with _default_lock:
        _default_hasher = new
    return new


def hash_password(password: str) -> str:
    """Hash ``password`` with the module's default hasher."""
    return _default_hasher.hash_password(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Verify ``password`` against ``password_hash`` with the default hasher; never raises."""
    return _default_hasher.verify_password(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Return whether the default hasher would hash differently today."""
    return _default_hasher.needs_rehash(password_hash)


# --- Policy ----------------------------------------------------------------------------------

# common-passwords.txt.gz: the 19,640 lowercased entries of Django's
# django/contrib/auth/common-passwords.txt.gz (from Django 5.2.19; Royce Williams' list of
# 20,000 common passwords, lowercased and deduplicated by Django), BSD-3-Clause licensed, see
# COMMON_PASSWORDS_LICENSE.txt; followed by 49 weak passwords common in Vietnam (matkhau123,
# dangvien123, ...) added by this project. One lowercase password per line.
_COMMON_PASSWORDS_FILE = "common-passwords.txt.gz"


@cache
def _common_passwords() -> frozenset[str]:
    """Load the common-password list once, on first use (it is ~80 kB compressed)."""
    data = resources.files(__package__ or "api.auth").joinpath(_COMMON_PASSWORDS_FILE).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _compact(s: str) -> str:
    """Fold ``s`` and keep only letters and digits, for look-alike comparisons."""
    return re.sub(r"[\W_]+", "", fold(s))


def is_common_password(password: str) -> bool:
    """Return whether ``password`` (any case, with or without diacritics) is on the list."""
    common = _common_passwords()
    lowered = _normalize(password).lower().strip()
    # The folded form catches "Mật Khẩu 123" typed with diacritics and spaces.
    return lowered in common or _compact(password) in common


def _user_variants(value: str) -> set[str]:
    """Return compact forms a user input may take in a password (email local part, phone)."""
    compact = _compact(value)
    variants = {compact} if compact else set()
    if "@" in value:
        local = _compact(value.split("@", 1)[0])
        if local:
            variants.add(local)
    if compact.isdigit():
        # Phones are stored as +84…/84… but people type them as 0….
        if compact.startswith("84") and len(compact) >= 11:
            variants.add("0" + compact[2:])
        elif compact.startswith("0") and len(compact) >= 10:
            variants.add("84" + compact[1:])
    return variants


def _similar_to_user(password: str, user_inputs: Iterable[str]) -> bool:
    """Return whether the password is a user input, possibly with up to 3 extra characters."""
    candidate = _compact(password)
    if not candidate:
        return False
    for value in user_inputs:
        if not value:
            continue
        for variant in _user_variants(value):
            if candidate == variant:
                return True
            # "0912345678a" or "nguyenvanbinh1" add nothing an attacker would not try first.
            if len(variant) >= 6 and variant in candidate and len(candidate) - len(variant) <= 3:
                return True
    return False


def check_password_policy(password: str, *, user_inputs: Iterable[str] = ()) -> list[str]:
    """Return the message keys of the policy rules ``password`` breaks (empty when it passes).

    Keys: ``password.too_short`` (under MIN_LENGTH code points after NFKC),
    ``password.too_long`` (over MAX_LENGTH), ``password.common`` (on the common list, compared
    case- and diacritic-insensitively), ``password.similar_to_user`` (equal, ignoring case,
    diacritics, spaces and punctuation, to one of ``user_inputs`` such as the party card
    number, full name, phone or e-mail (its local part too), or one of those plus at most 3
    characters). There are no composition rules, following NIST SP 800-63B.
    """
    errors: list[str] = []
    length = len(_normalize(password))
    if length < MIN_LENGTH:
        errors.append("password.too_short")
    elif length > MAX_LENGTH:
        errors.append("password.too_long")
    if is_common_password(password):
        errors.append("password.common")
    if _similar_to_user(password, user_inputs):
        errors.append("password.similar_to_user")
    return errors
