"""Sourcing background tasks. Tasks take ids (or nothing), call one service and are safe to
run twice."""

from django.tasks import task

from . import credits


@task()
def sourcing_sold_credit_sweep_task() -> int:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "sourcing-sold-credit"): raise the authority
    of merchants whose sourced products sold, once per request; how many were credited."""
    return credits.sourcing_sold_credit_sweep()
