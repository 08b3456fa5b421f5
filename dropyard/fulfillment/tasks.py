"""Fulfillment background tasks: parcels follow their carriers' tracking.

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from . import services


@task()
def tracking_changes_follow() -> int:
    """Apply pending tracking status changes to parcels and orders; how many were applied.

    Enqueued after the commit of a caller that recorded tracking events, and run periodically
    (``DROPYARD_PERIODIC_JOBS``, "tracking-changes-follow"), which retries a change whose
    earlier run failed. Idempotent on the change row (``services.tracking_change_apply``).
    """
    return services.tracking_changes_follow()
