"""Logistics background tasks: the Sandbox carrier's clock.

Tasks take ids, call one service and are safe to run twice (see ``sandbox_carrier_tick``).
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import services


def _enqueue_tick(*, tracking_id: int, step: int) -> None:
    delay = timedelta(seconds=settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS)
    sandbox_carrier_tick.using(run_after=timezone.now() + delay).enqueue(
        tracking_id=tracking_id, step=step
    )


@task()
def sandbox_carrier_tick(tracking_id: int, step: int) -> int | None:
    """Emit step ``step`` of a Sandbox tracking's journey, then schedule the next step.

    The next tick runs ``DROPYARD_SANDBOX_CARRIER_STEP_SECONDS`` later and is enqueued after
    the step's commit. Running the same (tracking, step) twice records the event once and
    schedules the next step once (``services.sandbox_tracking_advance``). Returns the step
    scheduled next, or None when the journey is over.
    """
    next_step = services.sandbox_tracking_advance(tracking_id=tracking_id, step=step)
    if next_step is not None:
        transaction.on_commit(partial(_enqueue_tick, tracking_id=tracking_id, step=next_step))
    return next_step
