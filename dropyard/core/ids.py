"""Public identifiers in the contract's style: long numeric strings (e.g. pid, vid, orderId)."""

import secrets
import time

_EPOCH_MS = 1_577_836_800_000  # 2020-01-01, keeps ids at 18-19 digits for decades


def new_public_id() -> str:
    """A 64-bit time-ordered id as a decimal string: milliseconds since 2020, then 22 random bits.

    Time-ordered so ``ORDER BY public_id`` roughly follows creation; random bits make collisions
    within one millisecond negligible (and the unique constraints catch the rest).
    """
    millis = int(time.time() * 1000) - _EPOCH_MS
    return str((millis << 22) | secrets.randbits(22))
