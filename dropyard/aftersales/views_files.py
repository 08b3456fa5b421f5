"""The one way to fetch an after-sales file: a signed, expiring link (``links``)."""

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from dropyard.core.access import public_view

from .links import token_target
from .models import DisputeEvidence, TicketAttachment


def _stored(kind: str, public_id: str) -> tuple[object, str, str]:
    """(file field, content type, download name) of the file a token names."""
    if kind == "evidence":
        row = DisputeEvidence.objects.filter(public_id=public_id).exclude(file="").first()
        if row is not None:
            return row.file, row.content_type, f"evidence-{row.public_id}.{row.extension}"
    if kind == "ticket":
        attachment = TicketAttachment.objects.filter(public_id=public_id).first()
        if attachment is not None:
            name = f"ticket-{attachment.public_id}.{attachment.extension}"
            return attachment.file, attachment.content_type, name
    raise Http404("No such file")


@public_view
@require_GET
def file(request: HttpRequest, token: str) -> FileResponse:
    """Stream the file, cacheable privately; never rendered inline as HTML."""
    target = token_target(token)
    if target is None:
        raise Http404("No such file, or the link has expired")
    field, content_type, name = _stored(*target)
    try:
        stored = field.open("rb")  # type: ignore[attr-defined]
    except OSError as exc:
        raise Http404("The file is missing") from exc
    response = FileResponse(stored, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
