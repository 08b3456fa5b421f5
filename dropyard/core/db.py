"""Transactions for services that run both on their own and inside a caller's transaction."""

from collections.abc import Callable
from functools import wraps

from django.db import connection, transaction


def joins_transaction[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Run ``service`` atomically: in a transaction of its own when none is open, else in the
    caller's, without a savepoint.

    ``transaction.atomic`` nested in a caller's block costs a SAVEPOINT and a RELEASE (two
    round trips) per call, which adds up on hot paths such as a payment, where the same
    record-keeping services run several times inside one transaction. The savepoint only
    matters to a caller that catches the service's error and goes on, and only if the service
    wrote something before raising.

    So use it only for a service whose refusals are all raised before its first write (its
    checks come first): a refused call then leaves nothing behind either way. A database
    error mid-way is not a refusal: on PostgreSQL it aborts the caller's transaction, and no
    caller catches it to go on. (``transaction.atomic(savepoint=False)`` would not do: it
    marks the caller's block for rollback on any error, refusals included.)
    """

    @wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return service(*args, **kwargs)
        with transaction.atomic():
            return service(*args, **kwargs)

    return run
