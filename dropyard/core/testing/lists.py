"""Test helpers for pages on the generic list (``core.lists``)."""

import csv
import io

from django.http import StreamingHttpResponse


def csv_rows(response: StreamingHttpResponse) -> list[list[str]]:
    """The rows of a list's streamed CSV export (the UTF-8 mark dropped), header first."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))
