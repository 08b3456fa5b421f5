"""``product/queryProductsByImage`` (contract §2.2): catalog products that look like a picture.

Request: ``{"imageUrl": "https://…"}`` (the contract's form). Beyond the contract, the picture
itself may be sent instead as ``{"imageBase64": "<base64>"}`` (a ``data:image/…;base64,``
prefix is accepted), for clients that hold a file rather than a URL; exactly one of the two.
How a URL is read (http/https only, no private or loopback addresses, size and time limits,
this site's own media read from storage) is ``catalog.image_fetch``; how pictures are compared
(perceptual hashes in an indexed, banded table) is ``catalog.imagehashing``.

Answer: ``data`` is a list of product summaries shaped like listV2's product entries (``id``,
``nameEn``, ``sku``, ``spu``, ``bigImage``, ``sellPrice`` … without the stock figures) plus
``similarity`` (1.0 identical; 1 − differing bits / 64), best first, at most 20, on-sale
products only; an empty list when nothing is close. Bad input (no or both parameters, a
non-http URL, control characters, an unreachable or private host, a body that is not an image,
truncated or over 5 MB or 40 megapixels) → 1600300 with a message naming the parameter.
"""

import base64
import binascii

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema, ParamError

from ..image_fetch import image_url_read
from ..image_search import ImageMatch, products_by_image
from ..imagehashing import MAX_IMAGE_BYTES, image_decode
from ..wire import ListV2SummaryOut, listv2_summary, summary_of

router = Router(tags=["Product"])

BASE64_MAX_CHARS = MAX_IMAGE_BYTES * 4 // 3 + 1024


class QueryByImageIn(CamelSchema):
    image_url: str | None = None
    image_base64: str | None = None


class ImageProductOut(ListV2SummaryOut):
    """A listV2-like product summary (no stock figures) and how alike its picture is."""

    similarity: float


def site_hosts(request: HttpRequest) -> set[str]:
    """The ``host[:port]`` names whose ``MEDIA_URL`` is this site's own media."""
    hosts = {request.get_host().lower()}
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        hosts.add(site_url.split("://", 1)[-1].split("/", 1)[0].lower())
    return hosts


def _base64_image(value: str) -> bytes:
    text = value.strip()
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if ";base64" not in header:
            raise ParamError("imageBase64 must be base64 data")
    if len(text) > BASE64_MAX_CHARS:
        raise ParamError(f"imageBase64 is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ParamError("imageBase64 is not valid base64") from None


def _out(request: HttpRequest, match: ImageMatch) -> dict:
    return {**listv2_summary(request, summary_of(match.product)), "similarity": match.similarity}


@router.post("product/queryProductsByImage", response=list[ImageProductOut])
def query_products_by_image(request: HttpRequest, payload: QueryByImageIn) -> list[dict]:
    """Products whose pictures look like the one at ``imageUrl`` (or, beyond the contract, the
    one sent as ``imageBase64``), most similar first, with a ``similarity`` from 0 to 1."""
    given = [name for name in ("image_url", "image_base64") if getattr(payload, name)]
    if len(given) != 1:
        raise ParamError("imageUrl is required (or imageBase64, not both)")
    if payload.image_url:
        content = image_url_read(payload.image_url, site_hosts=site_hosts(request))
        image = image_decode(content, name="imageUrl")
    else:
        image = image_decode(_base64_image(payload.image_base64 or ""), name="imageBase64")
    return [_out(request, match) for match in products_by_image(image=image)]
