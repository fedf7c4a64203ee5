"""Keep sync tokens out of Django's own log lines.

Django logs the path of 4xx/5xx answers (django.request, with the request
attached for handlers such as the admins' error mail) and runserver logs
every request (django.server); a token URL must not appear there in clear.
gunicorn's access log is redacted by esws.gunicorn with the same pattern.
"""

from __future__ import annotations

import logging

from esws.gunicorn import redact

LOGGERS = ("django.request", "django.server")


class RedactSyncTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        path = getattr(getattr(record, "request", None), "path", "")
        if path and redact(path) != path:
            delattr(record, "request")
        return True


def install() -> None:
    for name in LOGGERS:
        logging.getLogger(name).addFilter(RedactSyncTokens())
