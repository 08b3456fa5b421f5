"""``{% load aftersales_suggestions %}``: the tracking suggestions on pages of apps below
after-sales (the order page: orders may not import aftersales, so its template asks here).

``{% order_dispute_suggestions order %}`` renders the order's suggested disputes (one click
opens the prefilled form), or, for a delivered order, the short "delivered but not received"
guidance. Nothing at all for an order that is neither.
"""

from typing import Any

from django import template

from dropyard.orders.models import Order

from .. import suggestions

register = template.Library()


@register.inclusion_tag("aftersales/partials/_order_suggestions.html")
def order_dispute_suggestions(order: Order) -> dict[str, Any]:
    found = suggestions.suggestions_for_order(order)
    return {
        "order": order,
        "suggestions": found,
        "guidance": not found and suggestions.delivered_guidance(order),
        "open_url": suggestions.dispute_open_url(order),
    }
