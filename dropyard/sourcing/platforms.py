"""Recognise the shop a product URL points at and reduce the URL to a duplicate key (pure).

The key names the product, not the page: ``detail.1688.com/offer/123.html?spm=…`` and
``m.1688.com/offer/123.html`` are the same offer ("1688:123"). Unknown shops keep host and
path, lower-cased, without query, fragment or trailing slash.
"""

import re
from urllib.parse import parse_qs, urlsplit

from .choices import SourcePlatform as P

_ALI_ITEM = re.compile(r"/item/(?:[^/]*/)?(\d{6,})\.html")
_1688_OFFER = re.compile(r"/offer/(\d{5,})\.html")
_AMAZON_ASIN = re.compile(r"/(?:dp|gp/product|gp/aw/d)/([A-Z0-9]{10})(?:[/?]|$)", re.IGNORECASE)
_ALIBABA_ID = re.compile(r"_(\d{6,})\.html")


def _host_is(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def platform_of(url: str) -> str:
    """The ``SourcePlatform`` of ``url`` ("none" for an empty one, "other" when unknown)."""
    if not url:
        return P.NONE
    host = (urlsplit(url).hostname or "").lower()
    for domain, platform in (
        ("1688.com", P.ALIBABA_1688),
        ("taobao.com", P.TAOBAO),
        ("tmall.com", P.TMALL),
        ("aliexpress.com", P.ALIEXPRESS),
        ("aliexpress.us", P.ALIEXPRESS),
        ("alibaba.com", P.ALIBABA),
    ):
        if _host_is(host, domain):
            return platform
    if re.search(r"(^|\.)amazon\.[a-z.]{2,6}$", host):
        return P.AMAZON
    return P.OTHER


def url_key(url: str) -> str:
    """The duplicate key of ``url`` ("" for an empty one); at most 300 characters."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    platform = platform_of(url)
    found: str | None = None
    if platform == P.ALIBABA_1688:
        m = _1688_OFFER.search(path)
        found = m.group(1) if m else None
    elif platform in (P.TAOBAO, P.TMALL):
        ids = parse_qs(parts.query).get("id")
        found = ids[0] if ids and ids[0].isdigit() else None
    elif platform == P.ALIEXPRESS:
        m = _ALI_ITEM.search(path)
        found = m.group(1) if m else None
    elif platform == P.AMAZON:
        m = _AMAZON_ASIN.search(path)
        found = m.group(1).upper() if m else None
    elif platform == P.ALIBABA:
        m = _ALIBABA_ID.search(path)
        found = m.group(1) if m else None
    if found:
        # Taobao and Tmall share item ids.
        family = P.TAOBAO if platform == P.TMALL else platform
        return f"{family}:{found}"
    if host.startswith("www."):
        host = host[4:]
    return f"{host}{path.rstrip('/').lower()}"[:300]
