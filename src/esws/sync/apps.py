from django.apps import AppConfig


class SyncConfig(AppConfig):
    """Sync runs: planning what terminals must hold, and the tasks that do it."""

    name = "esws.sync"
    verbose_name = "Synchronization"
