"""Template helpers of the order pages."""

from django import template

from dropyard.core.money import format_money

from ..choices import EVENT_KIND_LABELS, OrderStatus
from ..status_labels import StatusLabel, order_status_label

register = template.Library()


@register.filter
def money(minor, currency: str = "USD") -> str:
    """``1250|money:"USD"`` → "$12.50"; other currencies as "12.50 CNY"; blank for None."""
    if minor is None or minor == "":
        return ""
    return format_money(int(minor), currency or "USD")


@register.filter
def status_class(status: str) -> str:
    """The badge colour of a contract status (``status_labels``); light for an unknown one."""
    try:
        return order_status_label(status).badge
    except ValueError:
        return "text-bg-light"


@register.simple_tag
def order_status(status: str, sub_status: str = "") -> StatusLabel | None:
    """``{% order_status order.status order.sub_status as st %}``: the status in the merchant
    vocabulary (``st.label``, ``st.detail``, ``st.badge``); None for a blank status (a history
    row that only noted something)."""
    if not status or status not in OrderStatus.values:
        return None
    return order_status_label(status, sub_status)


@register.inclusion_tag("orders/partials/_status.html")
def order_status_badge(order, testid: str = "", large: bool = False) -> dict:
    """The order's group badge with its fine status as a muted line under it."""
    return {
        "st": order_status_label(order.status, order.sub_status),
        "testid": testid,
        "large": large,
    }


@register.filter
def event_kind_label(kind: str) -> str:
    """A history row's kind ("routed", "merged" …) in words; unknown kinds spelled out."""
    return EVENT_KIND_LABELS.get(str(kind), str(kind).replace("_", " ").capitalize())
