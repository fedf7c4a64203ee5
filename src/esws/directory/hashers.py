"""The password hasher for administrators and operators.

argon2id with one lane, at OWASP's minimum for argon2id by default (19 MiB,
2 passes, 1 lane) instead of Django's default (100 MiB, 8 lanes): one
verification costs a fifth of the memory and one core instead of all of them,
so the service checks as many passwords at once as it has cores (see
esws.directory.auth) within bounded memory, while a guess still costs an
attacker a memory-hard computation. Operators who want stolen hashes to cost
more raise ESWS_ARGON2_MEMORY_KIB / ESWS_ARGON2_TIME_COST (never below the
minimum); stored hashes are upgraded at the next successful login. Online
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
