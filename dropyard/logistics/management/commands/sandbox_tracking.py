"""``dropyard sandbox_tracking``: drive the Sandbox carrier by hand.

- ``complete NUMBER…``: play the rest of each Sandbox parcel's journey now (demo, end-to-end
  tests);
- ``resume``: re-enqueue the next tick of Sandbox trackings whose clock stopped (run it from
  cron after a worker crash; repeating a tick is harmless, it records nothing twice).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dropyard.core.errors import DomainError
from dropyard.logistics import selectors, services
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier
from dropyard.logistics.tasks import sandbox_carrier_tick

STALLED_AFTER_STEPS = 3  # no event for this many step intervals → the clock has stopped


class Command(BaseCommand):
    help = "Sandbox carrier: finish parcels' journeys now (complete) or restart stalled clocks."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["complete", "resume"])
        parser.add_argument("numbers", nargs="*", help="tracking numbers (complete)")

    def handle(self, *args, action: str, numbers: list[str], **options) -> None:
        if action == "complete":
            self._complete(numbers)
        else:
            self._resume()

    def _complete(self, numbers: list[str]) -> None:
        if not numbers:
            raise CommandError("complete needs at least one tracking number")
        carrier = Carrier.objects.filter(code__iexact=SANDBOX_CODE).first()
        if carrier is None:
            raise CommandError("There is no Sandbox carrier (run `dropyard demo`)")
        for number in numbers:
            tracking = selectors.tracking_get_by_number(carrier=carrier, tracking_number=number)
            if tracking is None:
                raise CommandError(f"No Sandbox tracking {number!r}")
            try:
                created = services.sandbox_tracking_complete(tracking=tracking)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"{tracking.tracking_number}: {created} new events, now "
                f"{tracking.status} ({tracking.get_status_display()})"
            )

    def _resume(self) -> None:
        interval = settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS
        quiet_since = timezone.now() - timedelta(seconds=interval * STALLED_AFTER_STEPS)
        stalled = selectors.sandbox_trackings_stalled(quiet_since=quiet_since)
        for tracking, step in stalled:
            transaction.on_commit(
                lambda pk=tracking.pk, step=step: sandbox_carrier_tick.enqueue(
                    tracking_id=pk, step=step
                )
            )
        self.stdout.write(f"Restarted {len(stalled)} stalled Sandbox trackings.")
