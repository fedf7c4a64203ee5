from django.apps import AppConfig


class TokensConfig(AppConfig):
    """One-time sync tokens: issued by getSyncToken, redeemed by the console."""

    name = "esws.tokens"
    verbose_name = "Sync tokens"
