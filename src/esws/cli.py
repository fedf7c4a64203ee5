"""The ``esws`` command: Django's management commands under the project's settings.

``esws migrate``, ``esws demo``, ``esws company create ...``: every operator
task is a management command of one of the apps, so the admin site, the CLI
and the tests share the same domain functions.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esws.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the ESWS_* configuration)
    except ImproperlyConfigured as exc:
        sys.exit(f"esws: configuration error: {exc}")
    execute_from_command_line(["esws", *sys.argv[1:]])


if __name__ == "__main__":
    main()
