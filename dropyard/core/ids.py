"""Public identifiers in the contract's style: long numeric strings (e.g. pid, vid, orderId)."""

import secrets
import threading
import time

# The largest integer an IEEE-754 double (a JavaScript number) holds exactly: every id the API
# sends as a JSON number stays at or below it; longer ids go out as strings (new_public_id).
MAX_EXACT_JSON_INTEGER = 2**53 - 1

_EPOCH_MS = 1_577_836_800_000  # 2020-01-01, keeps ids at 18-19 digits for decades
_LOW_BITS = 22
_LOW_MASK = (1 << _LOW_BITS) - 1

_lock = threading.Lock()
_last = 0  # the last id this process issued


def new_public_id() -> str:
    """A 64-bit time-ordered id as a decimal string: milliseconds since 2020, then 22 low bits.

    Within one process ids strictly increase: the first id of a millisecond takes random low
    bits, the next ones in the same millisecond count up from it (a batch of 10,000 orders made
    in a few milliseconds would otherwise collide often: 22 random bits give about a 1 in 8
    chance of a repeat among 1,000 ids). Another process starts from its own random point, so
    a clash between processes needs both to hit overlapping runs in the same millisecond; the
    unique constraints catch that rare case.
    """
    global _last
    with _lock:
        millis = int(time.time() * 1000) - _EPOCH_MS
        candidate = (millis << _LOW_BITS) | secrets.randbits(_LOW_BITS)
        if candidate <= _last:
            # Same millisecond as the last id (or the clock stepped back): count on from it.
            candidate = _last + 1
        _last = candidate
        return str(candidate)
