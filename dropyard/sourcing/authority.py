"""Sourcing authority and the daily quota: pure rules, no database.

A merchant's **authority score** (0–100, new accounts start at ``START_SCORE``) rises when a
request led to a product that sold and falls when a request failed for the merchant's reasons,
was abandoned or was a duplicate. The **daily quota** of new requests is the level's base
quota scaled by the score's band. Both tables are shown to the merchant as they are here
(``rules_for_display``), so the rules a merchant reads are the rules that apply.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import AuthorityEventKind as K

MIN_SCORE = 0
MAX_SCORE = 100
START_SCORE = 60

# Score change per event.
RULES: dict[str, int] = {
    K.SOLD: +5,
    K.FAILED: -3,
    K.ABANDONED: -2,
    K.DUPLICATE: -1,
}

# New requests per day by account level (``AccountLevel``: 0 free … 5 advanced).
BASE_QUOTA: dict[int, int] = {0: 5, 1: 10, 2: 20, 3: 30, 4: 50, 5: 100}


@dataclass(frozen=True)
class Band:
    """A score band: scores ≥ ``floor`` get ``percent`` % of the base quota (at least 1)."""

    floor: int
    percent: int
    label: object  # a lazy translation: shown in the reader's language


# Highest band first; the first whose floor the score reaches applies.
BANDS: tuple[Band, ...] = (
    Band(80, 150, _("Trusted")),
    Band(50, 100, _("Good")),
    Band(30, 50, _("Limited")),
    Band(0, 20, _("Restricted")),
)


def clamp(score: int) -> int:
    """``score`` kept within ``MIN_SCORE``..``MAX_SCORE``."""
    return max(MIN_SCORE, min(MAX_SCORE, score))


def apply(score: int, kind: str) -> int:
    """The score after one event of ``kind`` (unknown kinds change nothing)."""
    return clamp(score + RULES.get(kind, 0))


def band_for(score: int) -> Band:
    """The band ``score`` falls in."""
    for band in BANDS:
        if score >= band.floor:
            return band
    return BANDS[-1]


def daily_quota(*, level: int, score: int) -> int:
    """New sourcing requests allowed per day for an account of ``level`` with ``score``.

    The level's base quota (an unknown level counts as the nearest known one) scaled by the
    score's band, rounded down, never below 1: a restricted account can still ask once a day.
    """
    known = sorted(BASE_QUOTA)
    level = min(max(level, known[0]), known[-1])
    base = BASE_QUOTA[level]
    return max(1, base * band_for(clamp(score)).percent // 100)


def remaining(*, level: int, score: int, used_today: int) -> int:
    """How many more requests may be created today (never negative)."""
    return max(0, daily_quota(level=level, score=score) - used_today)
