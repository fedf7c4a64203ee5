"""A warning for a public URL on which the console cannot be framed: plain HTTP off loopback."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def plain_http_public_url(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.ESWS_SECURE_COOKIES:
        return []
    return [
        checks.Warning(
            f"ESWS_PUBLIC_URL ({settings.ESWS_PUBLIC_URL}) is plain HTTP on a host other "
            "than loopback, so browsers would drop Secure cookies: the console's session "
            "cookie is not Secure and works only when the sync link is opened top-level, "
            "not in another site's iframe.",
            hint="Serve the service over HTTPS (a TLS proxy, ESWS_BEHIND_TLS_PROXY=1) "
            "and set ESWS_PUBLIC_URL to its https:// address.",
            id="esws.W001",
        )
    ]
