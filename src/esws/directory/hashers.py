"""The password hasher for administrators and operators.

argon2id at OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane) instead of
Django's default (100 MiB, 8 lanes): one verification costs about a tenth of
the memory and one core instead of all of them, so the service can check
several passwords at once within bounded memory, while a guess still costs an
attacker a 19 MiB memory-hard computation. Login throttling (esws.directory.
throttle) is what stops online guessing; this cost protects stolen hashes.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class EswsArgon2Hasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
