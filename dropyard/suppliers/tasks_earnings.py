"""Periodic supplier work (``DROPYARD_PERIODIC_JOBS``, "supplier-earnings-sweep")."""

from django.tasks import task

from . import shipping


@task()
def supplier_earnings_sweep_task() -> int:
    """Credit supplier parcels shipped by another door than the portal
    (``shipping.supplier_earnings_sweep``); how many were credited. Safe to run twice."""
    return shipping.supplier_earnings_sweep()
