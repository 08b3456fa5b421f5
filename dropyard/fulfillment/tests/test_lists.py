"""The work queue's cells that no seeded queue shows: a remainder parcel's badge, shipped time."""

from datetime import UTC, datetime
from types import SimpleNamespace

from django.urls import reverse

from dropyard.fulfillment.lists import QueueTable


def test_remainder_parcel_is_marked_beside_its_code():
    table = QueueTable([])
    remainder = SimpleNamespace(public_id="917", split_from_id=5)
    first = SimpleNamespace(public_id="918", split_from_id=None)
    url = reverse("fulfillment_ops:parcel_detail", args=["917"])

    assert table.render_code("P917", remainder) == (
        f'<a class="font-monospace" href="{url}">P917</a>'
        ' <span class="badge text-bg-warning">remainder</span>'
    )
    assert table.render_code("P918", first).endswith(">P918</a>")


def test_shipped_cell_shows_the_local_time_and_tracking_number(settings):
    settings.TIME_ZONE = "UTC"
    table = QueueTable([])

    cell = table.render_shipped(
        datetime(2026, 3, 4, 9, 5, tzinfo=UTC), SimpleNamespace(tracking_number="YT1")
    )

    assert cell == "09:05 YT1"
