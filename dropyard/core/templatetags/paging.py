"""Template tags for the shared pagination partial (``partials/_pagination.html``)."""

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_querystring(context: template.Context, param: str, number: int) -> str:
    """``{% querystring %}`` with the page parameter's name in a variable (``page``, ``tpage``…).

    The current query string is kept, so filters and the other tables' pages survive.
    """
    return querystring(context, **{param: number})
