"""Merchant catalog: search by image ("Drag or upload an image to search" on the catalog page).

The picture is decoded and checked by ``catalog.imagehashing.image_decode`` (a real image,
at most 5 MB and 40 megapixels), matched by ``catalog.image_search.products_by_image`` (on-sale
products, closest first) and shown with its own thumbnail and each match's similarity. htmx
swaps only the results; without JavaScript the form posts to a page of its own.
"""

import base64
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dropyard.accounts.choices import Area
from dropyard.catalog.image_search import products_by_image
from dropyard.catalog.imagehashing import MAX_IMAGE_BYTES, ImageRefused, image_decode, similarity
from dropyard.core.access import merchant_view
from dropyard.core.htmx import render_page_or_partial

from .forms_catalog import ImageSearchForm
from .views_catalog import _card, _stocked_ids

PREVIEW_SIZE = 240


def _preview(image) -> str:
    """A small JPEG of the query picture as a data URL (nothing of it is stored)."""
    thumb = image.convert("RGB")
    thumb.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


@merchant_view(area=Area.PRODUCTS)
@require_http_methods(["GET", "POST"])
def image_search(request: HttpRequest) -> HttpResponse:
    """Products that look like the uploaded picture, most similar first."""
    if request.method == "GET":
        return redirect("catalog:search")
    form = ImageSearchForm(request.POST, request.FILES)
    context: dict = {"image_form": form, "max_mb": MAX_IMAGE_BYTES // (1024 * 1024)}
    status = 200
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            if upload.size > MAX_IMAGE_BYTES:
                raise ImageRefused(
                    _("The picture is larger than %(mb)s MB") % {"mb": context["max_mb"]}
                )
            image = image_decode(upload.read(), name=_("The file"))
        except ImageRefused as exc:
            form.add_error("image", exc.message)
        else:
            matches = products_by_image(image=image)
            stocked = _stocked_ids([m.product for m in matches])
            cards = []
            for match in matches:
                card = _card(match.product, match.product.pk in stocked)
                card.similarity_percent = round(similarity(match.distance) * 100)
                cards.append(card)
            context.update(query_preview=_preview(image), matches=cards, searched=True)
    if form.errors:
        status = 400
    return render_page_or_partial(
        request,
        "catalog/image_search.html",
        "catalog/partials/_image_results.html",
        context,
        status=status,
    )
