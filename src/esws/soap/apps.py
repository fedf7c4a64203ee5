from django.apps import AppConfig


class SoapConfig(AppConfig):
    """SOAP endpoint speaking the ESWS contract."""

    name = "esws.soap"
    verbose_name = "SOAP service (ESWS)"
