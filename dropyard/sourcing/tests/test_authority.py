"""The authority rules and the daily quota, table-driven and without a database."""

import pytest

from dropyard.sourcing import authority
from dropyard.sourcing.choices import AuthorityEventKind as K


@pytest.mark.parametrize(
    ("score", "kind", "after"),
    [
        (60, K.SOLD, 65),
        (98, K.SOLD, 100),
        (60, K.FAILED, 57),
        (1, K.FAILED, 0),
        (60, K.ABANDONED, 58),
        (60, K.DUPLICATE, 59),
        (0, K.DUPLICATE, 0),
        (60, K.ADJUSTED, 60),
    ],
)
def test_each_event_moves_the_score_by_its_rule_within_bounds(score, kind, after):
    assert authority.apply(score, kind) == after


@pytest.mark.parametrize(
    ("level", "score", "quota"),
    [
        (0, 60, 5),
        (0, 80, 7),
        (0, 49, 2),
        (0, 29, 1),
        (1, 60, 10),
        (3, 100, 45),
        (5, 50, 100),
        (5, 30, 50),
        (5, 0, 20),
        (9, 60, 100),
        (-1, 60, 5),
    ],
)
def test_daily_quota_is_the_level_base_scaled_by_the_score_band(level, score, quota):
    assert authority.daily_quota(level=level, score=score) == quota


def test_remaining_never_goes_below_zero():
    assert authority.remaining(level=0, score=60, used_today=3) == 2
    assert authority.remaining(level=0, score=60, used_today=9) == 0


def test_bands_are_ordered_highest_first_and_cover_zero():
    floors = [band.floor for band in authority.BANDS]
    assert floors == sorted(floors, reverse=True)
    assert floors[-1] == 0
