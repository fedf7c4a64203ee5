from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: the process supervisor behind ``esws serve``."""

    name = "esws.ops"
    verbose_name = "Operations"
