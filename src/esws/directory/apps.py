from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Companies and everything that belongs to one: admins, users, locations, terminals."""

    name = "esws.directory"
    verbose_name = "Directory"
