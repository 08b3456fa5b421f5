"""Token buckets (GCRA) and rolling windows kept in the database, driven by an explicit ``now``."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.core.models import RateLimitBucket, RateLimitWindow
from dropyard.core.ratelimit import (
    RateDecision,
    bucket_give_back,
    bucket_peek,
    bucket_take,
    ratelimit_prune,
    window_take,
)
from dropyard.core.tasks import ratelimit_buckets_prune

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0


def _take(now, *, key="k", rate=1, burst=4):
    return bucket_take(key=key, rate=rate, burst=burst, now=now)


# --- bucket_take ----------------------------------------------------------------------------


def test_full_bucket_admits_the_burst_at_once():
    decisions = [_take(T0 + 0.1 * i) for i in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, True]
    assert [d.remaining for d in decisions] == [3, 2, 1, 0]
    assert RateLimitBucket.objects.get(key="k").tat_us == int((T0 + 4) * 1_000_000)


def test_empty_bucket_refuses_with_retry_after_and_counts_nothing():
    for _ in range(4):
        _take(T0)

    refused = _take(T0 + 0.3)

    assert refused == RateDecision(
        allowed=False, limit=4, remaining=0, reset_seconds=4, retry_after=1
    )
    assert RateLimitBucket.objects.get(key="k").tat_us == int((T0 + 4) * 1_000_000)


def test_bucket_refills_at_the_sustained_rate():
    for _ in range(4):
        _take(T0)

    assert _take(T0 + 0.999).allowed is False
    assert _take(T0 + 1.0).allowed is True
    assert _take(T0 + 1.5).allowed is False
    assert _take(T0 + 2.0).allowed is True


def test_twenty_requests_in_one_second_pass_the_burst_only():
    decisions = [_take(T0 + 0.05 * i) for i in range(20)]

    assert sum(d.allowed for d in decisions) == 4
    assert all(d.retry_after >= 1 for d in decisions if not d.allowed)


def test_any_stretch_holds_burst_plus_rate_times_seconds():
    # One request every 100 ms for 10 s at 2/s with a burst of 4: 4 + 2 * 10 = 24 at most.
    passed = sum(_take(T0 + 0.1 * i, rate=2).allowed for i in range(100))

    assert passed == 4 + 2 * 10 - 1  # the 10th second's last refill lands at T0 + 10.0


def test_burst_one_is_one_request_per_interval():
    assert [_take(T0 + t, burst=1).allowed for t in (0, 0.5, 1.0, 1.2)] == [
        True,
        False,
        True,
        False,
    ]


def test_refused_retry_after_counts_whole_seconds_up():
    _take(T0, rate=1, burst=1)

    assert _take(T0 + 0.25, rate=1, burst=1).retry_after == 1
    bucket_take(key="slow", rate=1, burst=1, period_seconds=60, now=T0)
    assert (
        bucket_take(key="slow", rate=1, burst=1, period_seconds=60, now=T0 + 10).retry_after == 50
    )


def test_keys_have_separate_buckets():
    _take(T0, key="a", burst=1)

    assert _take(T0, key="b", burst=1).allowed is True
    assert _take(T0, key="a", burst=1).allowed is False


@pytest.mark.parametrize("rate", [0, -1])
def test_non_positive_rate_refuses_without_a_row(rate):
    assert _take(T0, rate=rate).allowed is False

    assert RateLimitBucket.objects.count() == 0


def test_peek_reports_the_bucket_without_taking():
    assert bucket_peek(key="k", rate=1, burst=4, now=T0).remaining == 4
    _take(T0)
    _take(T0)

    peeked = bucket_peek(key="k", rate=1, burst=4, now=T0 + 0.5)

    assert peeked == RateDecision(allowed=True, limit=4, remaining=2, reset_seconds=2)
    assert RateLimitBucket.objects.get(key="k").tat_us == int((T0 + 2) * 1_000_000)


def test_give_back_returns_the_token_just_taken():
    _take(T0, rate=2, burst=2)
    _take(T0, rate=2, burst=2)
    assert _take(T0, rate=2, burst=2).allowed is False

    bucket_give_back(key="k", rate=2)

    assert RateLimitBucket.objects.get(key="k").tat_us == int((T0 + 0.5) * 1_000_000)
    assert bucket_peek(key="k", rate=2, burst=2, now=T0).remaining == 1
    assert _take(T0, rate=2, burst=2).allowed is True


def test_give_back_without_a_bucket_creates_none():
    bucket_give_back(key="k", rate=1)

    assert RateLimitBucket.objects.count() == 0


def test_prune_drops_full_buckets_only():
    _take(T0, key="full-again")
    _take(T0 + 5, key="draining")

    deleted = ratelimit_prune(now=T0 + 5.5)

    assert deleted == 1
    assert list(RateLimitBucket.objects.values_list("key", flat=True)) == ["draining"]
    assert _take(T0 + 5.5, key="full-again").remaining == 3  # as a new bucket


# --- window_take ----------------------------------------------------------------------------


def _window(now, *, key="w", limit=1, window=300):
    return window_take(key=key, limit=limit, window_seconds=window, now=now)


def test_window_refuses_inside_the_rolling_window_not_a_clock_window():
    assert _window(T0 + 250).allowed is True  # late in a clock-aligned 300 s window

    refused = _window(T0 + 350)  # a new clock window, but only 100 s later

    assert (refused.allowed, refused.retry_after) == (False, 200)
    assert _window(T0 + 549.5).allowed is False
    assert _window(T0 + 550).allowed is True


def test_window_of_five_per_minute_rolls():
    times = [T0, T0 + 10, T0 + 20, T0 + 30, T0 + 40]
    assert [_window(t, limit=5, window=60).allowed for t in times] == [True] * 5

    sixth = _window(T0 + 59, limit=5, window=60)

    assert (sixth.allowed, sixth.retry_after, sixth.remaining) == (False, 1, 0)
    assert _window(T0 + 60, limit=5, window=60).allowed is True  # the first left the window
    assert _window(T0 + 61, limit=5, window=60).allowed is False
    assert _window(T0 + 70, limit=5, window=60).allowed is True


def test_window_refusal_changes_nothing():
    _window(T0)
    stored = RateLimitWindow.objects.get(key="w").passes_us

    _window(T0 + 1)

    assert RateLimitWindow.objects.get(key="w").passes_us == stored == str(int(T0 * 1_000_000))


def test_window_keeps_at_most_limit_passes():
    for i in range(7):
        _window(T0 + 61 * i, limit=3, window=60)

    assert len(RateLimitWindow.objects.get(key="w").passes_us.split(",")) == 1
    assert [_window(T0 + 500 + i, limit=3, window=60).remaining for i in range(3)] == [2, 1, 0]
    assert len(RateLimitWindow.objects.get(key="w").passes_us.split(",")) == 3


# --- Across processes -----------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_take_more_than_the_bucket_holds():
    # Eight threads, each with its own database connection, race for one bucket and one window.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the in-memory SQLite test database locks whole tables)")

    def worker(_):
        try:
            bucket = [_take(T0, key="race", burst=4).allowed for _ in range(3)]
            window = [_window(T0, key="race-w", limit=2).allowed for _ in range(3)]
            return bucket, window
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(worker, range(8)))

    assert sum(sum(bucket) for bucket, _ in results) == 4
    assert sum(sum(window) for _, window in results) == 2
    assert RateLimitBucket.objects.get(key="race").tat_us == int((T0 + 4) * 1_000_000)


def test_prune_task_uses_the_limiters_clock(ratelimit_clock):
    bucket_take(key="k", rate=1, burst=1)
    ratelimit_clock.now += 10

    assert ratelimit_buckets_prune.call() == 1
    assert RateLimitBucket.objects.count() == 0
