from django.apps import AppConfig


class TerminalsConfig(AppConfig):
    """Terminal drivers and the state they keep."""

    name = "esws.terminals"
    verbose_name = "Terminals"
