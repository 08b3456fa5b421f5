"""``{% product_picture subject size %}``: a product picture in a ``size`` px square, sharp at
any screen density (``srcset`` of the copies made by ``catalog.pictures``), lazy-loaded, with a
neutral placeholder when the product has no picture.

``subject`` is a ``ProductImage``, a ``Variant`` (its image, else its product's main image) or a
``Product`` (its main image). Keyword options: ``alt`` (default empty: the name is printed next to
the picture, so the picture is decorative), ``sizes`` (default ``"<size>px"``; pass a media-query
list for fluid boxes such as catalog cards), ``css`` (extra classes), ``eager`` (above the fold),
``testid`` (``data-testid``; default ``product-picture``, ``no-picture`` for the placeholder).
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from dropyard.catalog.pictures import picture_of

register = template.Library()

PLACEHOLDER = "dropyard/img/no-picture.svg"


@register.simple_tag
def product_picture(
    subject: object,
    size: int = 64,
    *,
    alt: str = "",
    sizes: str = "",
    css: str = "",
    eager: bool = False,
    testid: str = "",
) -> SafeString:
    size = max(16, min(int(size), 1280))
    box = [
        ("width", size),
        ("height", size),
        ("alt", alt),
        ("class", f"product-picture {css}".strip()),
    ]
    loading = ("loading", "eager" if eager else "lazy")
    image = picture_of(subject)
    if image is None or not image.image:
        box[-1] = ("class", f"{box[-1][1]} product-picture-empty")
        return _img(
            [("src", static(PLACEHOLDER)), *box, loading, ("data-testid", testid or "no-picture")]
        )
    tail = [loading, ("decoding", "async"), ("data-testid", testid or "product-picture")]
    copies = sorted((int(width), name) for width, name in (image.renditions or {}).items())
    if not copies:  # saved before the copies existed and not backfilled yet: the original
        return _img([("src", image.image.url), *box, *tail])
    url = image.image.storage.url
    srcset = ", ".join(f"{url(name)} {width}w" for width, name in copies)
    # The src for browsers without srcset: the narrowest copy that fills the box.
    fallback = next((name for width, name in copies if width >= size), copies[-1][1])
    return _img(
        [("src", url(fallback)), ("srcset", srcset), ("sizes", sizes or f"{size}px"), *box, *tail]
    )


def _img(attributes: list[tuple[str, object]]) -> SafeString:
    """An ``<img>`` with these attributes in this order, every value escaped."""
    return format_html("<img {}>", format_html_join(" ", '{}="{}"', attributes))
