"""ratelimit_hit: fixed windows counted in the database, driven by an explicit ``now``."""

import pytest

from dropyard.core.models import RateLimitCounter
from dropyard.core.ratelimit import ratelimit_hit

pytestmark = pytest.mark.django_db


def _counts(key="k"):
    return list(
        RateLimitCounter.objects.filter(key=key)
        .order_by("window_start")
        .values_list("window_start", "count")
    )


def test_allows_up_to_limit_in_one_window():
    results = [ratelimit_hit(key="k", limit=3, window_seconds=1, now=100.1) for _ in range(3)]

    assert results == [True, True, True]
    assert _counts() == [(100, 3)]


def test_full_window_refuses_and_does_not_count():
    for _ in range(2):
        ratelimit_hit(key="k", limit=2, window_seconds=1, now=100.0)

    results = [ratelimit_hit(key="k", limit=2, window_seconds=1, now=100.9) for _ in range(3)]

    assert results == [False, False, False]
    assert _counts() == [(100, 2)]


def test_next_window_resets_and_drops_old_windows():
    for _ in range(2):
        ratelimit_hit(key="k", limit=2, window_seconds=1, now=100.5)

    assert ratelimit_hit(key="k", limit=2, window_seconds=1, now=101.0) is True

    assert _counts() == [(101, 1)]


def test_window_length_follows_window_seconds():
    assert ratelimit_hit(key="k", limit=1, window_seconds=300, now=600.0) is True
    assert ratelimit_hit(key="k", limit=1, window_seconds=300, now=899.9) is False
    assert ratelimit_hit(key="k", limit=1, window_seconds=300, now=900.0) is True

    assert _counts() == [(3, 1)]


def test_keys_count_separately():
    ratelimit_hit(key="a", limit=1, window_seconds=1, now=5.0)

    assert ratelimit_hit(key="b", limit=1, window_seconds=1, now=5.0) is True
    assert ratelimit_hit(key="a", limit=1, window_seconds=1, now=5.0) is False
    assert (_counts("a"), _counts("b")) == ([(5, 1)], [(5, 1)])


@pytest.mark.parametrize("limit", [0, -1])
def test_non_positive_limit_refuses_without_counting(limit):
    assert ratelimit_hit(key="k", limit=limit, window_seconds=1, now=5.0) is False

    assert RateLimitCounter.objects.count() == 0


def test_other_keys_windows_survive_a_new_window():
    ratelimit_hit(key="a", limit=5, window_seconds=1, now=5.0)

    ratelimit_hit(key="b", limit=5, window_seconds=1, now=9.0)

    assert (_counts("a"), _counts("b")) == ([(5, 1)], [(9, 1)])
