from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "dropyard.wallet"
    label = "wallet"
    verbose_name = "Wallet and payments"
