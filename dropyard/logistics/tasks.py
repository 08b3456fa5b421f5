"""Logistics background tasks: the Sandbox carrier's clock, and the periodic restart of clocks
that stopped.

Tasks take ids, call one service and are safe to run twice (see ``sandbox_carrier_tick``).
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import selectors, services

STALLED_AFTER_STEPS = 3  # no event for this many step intervals → the clock has stopped


def _enqueue_tick(*, tracking_id: int, step: int) -> None:
    delay = timedelta(seconds=settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS)
    sandbox_carrier_tick.using(run_after=timezone.now() + delay).enqueue(
        tracking_id=tracking_id, step=step
    )


def sandbox_clock_continue(*, tracking_id: int, step: int) -> None:
    """Schedule tick ``step`` one interval after the current transaction commits.

    For callers that recorded a tracking's first steps themselves (the demo's in-transit
    parcels): the tick the shipment enqueued (step 0) then finds its step taken and schedules
    nothing, so without this the parcel would wait for the stalled-clock job.
    """
    transaction.on_commit(partial(_enqueue_tick, tracking_id=tracking_id, step=step))


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


def sandbox_clocks_restart() -> int:
    """Enqueue the lost tick of every Sandbox tracking whose clock stopped; return how many.

    A clock stops when the tick that should follow a step was never enqueued (a worker died
    between the step's commit and the enqueue, or the queue lost it). Stalled = no event for
    ``STALLED_AFTER_STEPS`` step intervals (``selectors.sandbox_trackings_stalled``). A tick
    enqueued twice records nothing twice.
    """
    interval = settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS
    quiet_since = timezone.now() - timedelta(seconds=interval * STALLED_AFTER_STEPS)
    stalled = selectors.sandbox_trackings_stalled(quiet_since=quiet_since)
    for tracking, step in stalled:
        sandbox_carrier_tick.enqueue(tracking_id=tracking.pk, step=step)
    return len(stalled)


@task()
def sandbox_carrier_resume() -> int:
    """Periodic job (DROPYARD_PERIODIC_JOBS): restart stalled Sandbox clocks; how many."""
    return sandbox_clocks_restart()
