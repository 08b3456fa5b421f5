from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dropyard.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # allauth's and Django's auth signals feed the audit log (allowed: not domain behaviour).
        from . import receivers  # noqa: F401
