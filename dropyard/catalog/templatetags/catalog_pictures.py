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
from django.utils.html import format_html
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
    classes = f"product-picture {css}".strip()
    loading = "eager" if eager else "lazy"
    image = picture_of(subject)
    if image is None or not image.image:
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="{} product-picture-empty" '
            'loading="{}" data-testid="{}">',
            static(PLACEHOLDER),
            size,
            size,
            alt,
            classes,
            loading,
            testid or "no-picture",
        )
    storage = image.image.storage
    copies = sorted((int(width), name) for width, name in (image.renditions or {}).items())
    if not copies:  # saved before the copies existed and not backfilled yet: the original
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="{}" loading="{}" '
            'decoding="async" data-testid="{}">',
            image.image.url,
            size,
            size,
            alt,
            classes,
            loading,
            testid or "product-picture",
        )
    srcset = ", ".join(f"{storage.url(name)} {width}w" for width, name in copies)
    # The src for browsers without srcset: the narrowest copy that fills the box.
    fallback = next((name for width, name in copies if width >= size), copies[-1][1])
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" '
        'loading="{}" decoding="async" data-testid="{}">',
        storage.url(fallback),
        srcset,
        sizes or f"{size}px",
        size,
        size,
        alt,
        classes,
        loading,
        testid or "product-picture",
    )
