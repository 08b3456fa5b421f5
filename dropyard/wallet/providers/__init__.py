"""Payment provider adapters (Stripe, PayPal) behind one interface (``base.PaymentProvider``).

A provider is enabled only when its credentials are configured; ``enabled_providers()`` is what
the UI offers. ``get_provider(name)`` raises ``ProviderNotConfigured`` otherwise.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import Provider
from .base import PaymentProvider, ProviderNotConfigured
from .paypal_provider import PayPalProvider, paypal_configured
from .stripe_provider import StripeProvider, stripe_configured

ADAPTERS: dict[str, type[PaymentProvider]] = {
    StripeProvider.name: StripeProvider,
    PayPalProvider.name: PayPalProvider,
}
_CONFIGURED = {StripeProvider.name: stripe_configured, PayPalProvider.name: paypal_configured}
PROVIDER_LABELS = {
    Provider.STRIPE: gettext_lazy("Pay by card"),
    Provider.PAYPAL: gettext_lazy("Pay with PayPal"),
}


def provider_enabled(name: str) -> bool:
    check = _CONFIGURED.get(name)
    return bool(check and check())


def enabled_providers() -> list[str]:
    """Names of the card/PayPal providers configured here, in display order."""
    return [name for name in ADAPTERS if provider_enabled(name)]


def get_provider(name: str) -> PaymentProvider:
    """The adapter for ``name``; ProviderNotConfigured when unknown or without credentials."""
    if not provider_enabled(name):
        raise ProviderNotConfigured(
            _("The payment provider %(name)r is not available here.") % {"name": name}
        )
    return ADAPTERS[name]()


def payment_provider_options() -> list[dict[str, str]]:
    """The "Pay by card" / "Pay with PayPal" buttons of the configured providers."""
    return [{"name": p, "button": str(PROVIDER_LABELS[p])} for p in enabled_providers()]


def payment_session_key(pay_id: str) -> str:
    """Where a browser's session keeps the PayPal order it started for the payment ``pay_id``
    (the orders' payment page writes it, the return page reads it: only that browser captures)."""
    return f"dropyard-paypal-payment:{pay_id}"
