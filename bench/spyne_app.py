"""Esws.getSyncToken in spyne 2.14, the reference the error path must beat (issue 5).

It parses the same request as the ESWS endpoint and answers the unknown-code
error without a database: spyne's own cost per call, under the same gunicorn
worker and thread counts. Runs in bench/.venv-spyne, apart from the project.
"""

from spyne import Application, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication


class Esws(ServiceBase):
    @rpc(
        Unicode,
        Unicode,
        Unicode,
        Unicode,
        Unicode,
        _returns=Unicode,
        _in_message_name="Esws.getSyncToken",
        _out_message_name="Esws.getSyncTokenResponse",
        _out_variable_name="return",
    )
    def getSyncToken(ctx, p_companyID, p_adminUsername, p_adminPassword, p_userId, p_locationID):
        return "ERROR_UNKNOWN_SECURITY_HASH" if p_companyID else "ERROR_NO_SECURITY_HASH"


application = WsgiApplication(
    Application([Esws], tns="uen:esws", in_protocol=Soap11(), out_protocol=Soap11())
)
