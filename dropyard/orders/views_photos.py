"""The one way to fetch a parcel photo's file: a signed, expiring link (``orders.parcel_photos``).

Public by design: the link itself is the permission (made only after a merchant- or
warehouse-scoped lookup) and expires; a forged, altered or expired link answers 404.
"""

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from dropyard.core.access import public_view

from .parcel_photos import photo_from_token


@public_view
@require_GET
def parcel_photo(request: HttpRequest, token: str) -> FileResponse:
    """Stream the photo (JPEG), cacheable privately for as long as a link lives at most."""
    photo = photo_from_token(token)
    if photo is None:
        raise Http404("No such photo, or the link has expired")
    try:
        stored = photo.image.open("rb")
    except OSError as exc:
        raise Http404("The photo's file is missing") from exc
    response = FileResponse(stored, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="parcel-{photo.public_id}.jpg"'
    return response
