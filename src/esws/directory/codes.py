"""Company security codes: 32 printable-ASCII characters, stored only as a digest.

The documented sample (``^4p;tU0Q+#dEIhTWkuj5FnLD^aKWqVu0``) shows the alphabet:
letters, digits and punctuation. We draw from printable ASCII without space,
quotes, backslash, ``<``, ``>`` and ``&`` so a code pastes safely into XML,
shells and JSON. Codes are looked up by SHA-256 digest, so the database never
holds one in clear.
"""

from __future__ import annotations

import hashlib
import secrets
import string

LENGTH = 32
ALPHABET = "".join(
    c for c in string.ascii_letters + string.digits + string.punctuation if c not in "\"'\\<>&`"
)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def hint(code: str) -> str:
    """What the admin site shows so an operator can tell codes apart."""
    return f"…{code[-4:]}"
