from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The pages a sync token opens."""

    name = "esws.console"
    verbose_name = "Sync console"

    def ready(self) -> None:
        from esws.console import checks, redaction  # noqa: F401 (checks registers itself)

        redaction.install()
