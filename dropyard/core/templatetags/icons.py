"""``{% icon "name" %}``: a Tabler icon from the vendored SVG sprite.

The sprite (``vendor/tabler-sprite.svg``) holds only the icons Dropyard uses; it is built by
``scripts/vendor_static.sh`` from the names in the templates and in ``scripts/icons.txt``. An
external ``<use href>`` needs no inline SVG or script, so it passes the Content-Security-Policy.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "vendor/tabler-sprite.svg"


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """Decorative icon (``aria-hidden``): the text next to it carries the meaning."""
    classes = f"icon {css}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false">'
        '<use href="{}#tabler-{}"></use></svg>',
        classes,
        static(SPRITE),
        name,
    )
