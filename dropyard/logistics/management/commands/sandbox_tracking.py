"""``dropyard sandbox_tracking``: drive the Sandbox carrier by hand.

- ``complete NUMBER…``: play the rest of each Sandbox parcel's journey now (demo, end-to-end
  tests);
- ``resume``: re-enqueue the next tick of Sandbox trackings whose clock stopped now. The
  scheduler in ``dropyard worker`` does the same every minute (the ``sandbox-carrier-resume``
  periodic job); repeating a tick is harmless, it records nothing twice.
"""

from django.core.management.base import BaseCommand, CommandError

from dropyard.core.errors import DomainError
from dropyard.logistics import selectors, services
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier
from dropyard.logistics.tasks import sandbox_clocks_restart


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
        restarted = sandbox_clocks_restart()
        self.stdout.write(f"Restarted {restarted} stalled Sandbox trackings.")
