"""What a job's runs committed, item by item, so a re-run after a crash can tell its own work.

A job that creates things in chunks (the CSV order import) records each chunk's keys with
``job_items_record`` inside the chunk's own transaction: both commit or neither does. A re-run
of the same job (its worker died and another ran it again) reads ``job_item_keys`` to count
what its earlier runs made as its own, and everything else that already exists as someone
else's.
"""

from collections.abc import Iterable

from django.db import transaction

from .models import JobItem


@transaction.atomic
def job_items_record(*, job_id: int, keys: Iterable[str]) -> None:
    """Record ``keys`` as made by job ``job_id``.

    Invariant: call it in the transaction that creates the items. One row per (job, key);
    recording a key twice keeps one row.
    """
    rows = [JobItem(job_id=job_id, key=key) for key in dict.fromkeys(keys)]
    JobItem.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def job_item_keys(*, job_id: int) -> set[str]:
    """The keys job ``job_id`` has recorded in all its runs so far."""
    return set(JobItem.objects.filter(job_id=job_id).values_list("key", flat=True))
