"""The password hasher for administrators and operators.

argon2id with one lane: by default 46 MiB and 2 passes (OWASP's first
argon2id setting, 46 MiB and 1 pass, with a second pass), instead of Django's
default (100 MiB, 8 lanes). One verification takes one core, not all of
them, so the service checks as many passwords at once as it has cores (see
esws.directory.auth) within bounded memory; it takes about 80 ms of that
core, which keeps the fixed work of a call small beside it while leaving two
cores some 25 logins a second, and makes a guess at a stolen hash cost an
attacker 2.4 times the memory and four times the time of OWASP's minimum
(19 MiB, 2 passes). Operators choose
otherwise with ESWS_ARGON2_MEMORY_KIB / ESWS_ARGON2_TIME_COST (never below
that minimum); stored hashes are upgraded at the next successful login. Online
guessing is stopped by the login throttle (esws.directory.throttle), not by
this cost.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class EswsArgon2Hasher(Argon2PasswordHasher):
    algorithm = "argon2"
    parallelism = 1

    def __init__(self) -> None:
        self.memory_cost = settings.ESWS_ARGON2_MEMORY_KIB
        self.time_cost = settings.ESWS_ARGON2_TIME_COST
