"""Template helpers of the order pages."""

from django import template

from dropyard.core.money import Money

register = template.Library()

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
STATUS_CLASSES = {
    "CREATED": "text-bg-secondary",
    "IN_CART": "text-bg-secondary",
    "UNPAID": "text-bg-warning",
    "UNSHIPPED": "text-bg-info",
    "SHIPPED": "text-bg-primary",
    "DELIVERED": "text-bg-success",
    "CANCELLED": "text-bg-dark",
}


@register.filter
def money(minor, currency: str = "USD") -> str:
    """``1250|money:"USD"`` → "$12.50"; other currencies as "12.50 EUR"; blank for None."""
    if minor is None or minor == "":
        return ""
    currency = (currency or "USD").upper()
    amount = Money(int(minor), currency).wire()
    negative = amount.startswith("-")
    amount = amount.lstrip("-")
    symbol = _SYMBOLS.get(currency)
    text = f"{symbol}{amount}" if symbol else f"{amount} {currency}"
    return f"-{text}" if negative else text


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(str(status), "text-bg-light")
