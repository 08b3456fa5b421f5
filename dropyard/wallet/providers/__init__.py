"""Payment provider adapters (Stripe, PayPal) behind one interface (``base.PaymentProvider``).

A provider is enabled only when its credentials are configured; ``enabled_providers()`` is what
the UI offers. ``get_provider(name)`` raises ``ProviderNotConfigured`` otherwise.
"""

from .base import PaymentProvider, ProviderNotConfigured
from .paypal_provider import PayPalProvider, paypal_configured
from .stripe_provider import StripeProvider, stripe_configured

ADAPTERS: dict[str, type[PaymentProvider]] = {
    StripeProvider.name: StripeProvider,
    PayPalProvider.name: PayPalProvider,
}
_CONFIGURED = {StripeProvider.name: stripe_configured, PayPalProvider.name: paypal_configured}


def provider_enabled(name: str) -> bool:
    check = _CONFIGURED.get(name)
    return bool(check and check())


def enabled_providers() -> list[str]:
    """Names of the card/PayPal providers configured here, in display order."""
    return [name for name in ADAPTERS if provider_enabled(name)]


def get_provider(name: str) -> PaymentProvider:
    """The adapter for ``name``; ProviderNotConfigured when unknown or without credentials."""
    if not provider_enabled(name):
        raise ProviderNotConfigured(f"The payment provider {name!r} is not available here.")
    return ADAPTERS[name]()


def payment_session_key(pay_id: str) -> str:
    """The browser session key under which a PayPal page payment of ``pay_id`` keeps its PayPal
    order id: the return page captures only the order this browser started."""
    return f"dropyard-paypal-payment:{pay_id}"
