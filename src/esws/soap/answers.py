"""The return strings of ESWS, exactly as the documentation writes them.

They are answers, not faults: the original returns them as the ``return``
string with HTTP 200, and integrators compare against these exact texts.
"""

NO_SECURITY_HASH = "ERROR_NO_SECURITY_HASH"
UNKNOWN_SECURITY_HASH = "ERROR_UNKNOWN_SECURITY_HASH"
NO_USERNAME = "NO USERNAME PROVIDED"
NO_PASSWORD = "NO PASSWORD PROVIDED"  # noqa: S105 (an answer text, not a password)
NO_USERID = "NO USERID PROVIDED"
NO_ADMIN = "NO ADMIN FOUND BASED ON USERNAME AND PASSWORD"
NO_USER = "NO USER FOUND BASED ON THE ID PROVIDED"
# Not in getSyncToken's own list: the string the same API family (autoSync) uses.
NO_LOCATION = "NO LOCATION FOUND BASED ON THE ID PROVIDED"
