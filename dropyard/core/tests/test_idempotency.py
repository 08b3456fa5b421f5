"""core.idempotency: run once per (owner, scope, key), replay, refuse a reused key."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.core.idempotency import (
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    idempotent,
    request_hash,
)
from dropyard.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

SCOPE = "shopping/order/createOrderV2"


class Counter:
    def __init__(self, answer=None):
        self.calls = 0
        self.answer = answer

    def __call__(self):
        self.calls += 1
        return self.answer or {"orderId": f"id-{self.calls}"}


def test_first_call_runs_and_stores(merchant):
    run = Counter()

    outcome = idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={"a": 1}, run=run)

    assert (outcome.response, outcome.replayed, run.calls) == ({"orderId": "id-1"}, False, 1)
    record = IdempotencyRecord.objects.get()
    assert (record.owner, record.scope, record.key) == (merchant, SCOPE, "k1")
    assert record.request_hash == request_hash({"a": 1})
    assert record.response == {"orderId": "id-1"}


def test_same_key_and_body_replays_without_running(merchant):
    run = Counter()
    idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={"a": 1, "b": [2]}, run=run)

    # Same body with another key order: the canonical hash is the same.
    outcome = idempotent(
        owner=merchant, scope=SCOPE, key="k1", request_data={"b": [2], "a": 1}, run=run
    )

    assert (outcome.response, outcome.replayed, run.calls) == ({"orderId": "id-1"}, True, 1)
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_another_body_is_refused(merchant):
    run = Counter()
    idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={"a": 1}, run=run)

    with pytest.raises(IdempotencyKeyReused) as caught:
        idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={"a": 2}, run=run)

    assert caught.value.code == 1600300
    assert run.calls == 1


def test_keys_are_per_owner_and_scope(merchant, other_merchant):
    run = Counter()
    for owner, scope in [(merchant, SCOPE), (other_merchant, SCOPE), (merchant, "other")]:
        idempotent(owner=owner, scope=scope, key="k1", request_data={}, run=run)

    assert run.calls == 3
    assert IdempotencyRecord.objects.count() == 3


def test_no_key_just_runs(merchant):
    run = Counter()

    for key in (None, "", "   "):
        assert not idempotent(
            owner=merchant, scope=SCOPE, key=key, request_data={}, run=run
        ).replayed

    assert run.calls == 3
    assert IdempotencyRecord.objects.count() == 0


def test_a_failing_run_stores_nothing_and_may_be_retried(merchant):
    def fails():
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={}, run=fails)

    assert IdempotencyRecord.objects.count() == 0
    outcome = idempotent(owner=merchant, scope=SCOPE, key="k1", request_data={}, run=Counter())
    assert outcome.response == {"orderId": "id-1"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_losing_a_race_replays_the_winners_answer_on_postgresql(merchant):
    """Two requests with one key both miss the lookup and run; the first to commit wins. The
    other's insert hits the unique constraint, its own writes roll back, and it answers with
    the winner's stored data."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite serialises the two transactions instead)")
    winner_done, loser_running = threading.Event(), threading.Event()

    def slow_run():
        IdempotencyRecord.objects.create(owner=merchant, scope="side-effect", key="loser")
        loser_running.set()
        assert winner_done.wait(timeout=30)
        return {"orderId": "loser"}

    def loser():
        try:
            return idempotent(
                owner=merchant, scope=SCOPE, key="k1", request_data={"a": 1}, run=slow_run
            )
        finally:
            connection.close()

    def winner():
        try:
            assert loser_running.wait(timeout=30)  # the loser has looked up and is running
            return idempotent(
                owner=merchant,
                scope=SCOPE,
                key="k1",
                request_data={"a": 1},
                run=lambda: {"orderId": "winner"},
            )
        finally:
            winner_done.set()
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        lost = pool.submit(loser)
        won = pool.submit(winner)
        lost_outcome, won_outcome = lost.result(timeout=60), won.result(timeout=60)

    assert (won_outcome.response, won_outcome.replayed) == ({"orderId": "winner"}, False)
    assert (lost_outcome.response, lost_outcome.replayed) == ({"orderId": "winner"}, True)
    assert list(IdempotencyRecord.objects.values_list("scope", "key")) == [(SCOPE, "k1")]


@pytest.mark.parametrize("key", ["x" * 256, "caf\u00e9", "tab\there"])
def test_malformed_keys_are_refused(merchant, key):
    with pytest.raises(IdempotencyKeyInvalid):
        idempotent(owner=merchant, scope=SCOPE, key=key, request_data={}, run=Counter())
