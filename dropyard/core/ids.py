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


def prefixed_code(prefix: str, public_id: str = "") -> str:
    """The code people read for an object: a short prefix naming its kind + its public id
    ("DY…" orders, "TU…" top-ups, "P…" parcels). Unique whenever the public id is (each has
    its own unique index), so the code needs no counter of its own and always matches the id
    in the object's URL. Without ``public_id`` a new one is drawn (objects whose code is their
    only identifier, e.g. supplementary bills)."""
    return f"{prefix}{public_id or new_public_id()}"


def code_public_id(prefix: str, code: str) -> str:
    """The public id inside ``code`` when it is ``prefix`` + digits, else "" (so a lookup by a
    typed code that is not one finds nothing rather than failing)."""
    code = (code or "").strip().upper()
    rest = code[len(prefix) :] if code.startswith(prefix.upper()) else ""
    return rest if rest.isdigit() else ""
