"""``Idempotency-Key`` support for POSTs without a natural key (house style §2.7).

``idempotent(owner=…, scope=…, key=…, request_data=…, run=…)`` runs ``run()`` once per
``(owner, scope, key)`` and stores what it returned (a JSON-serialisable value, the operation's
``data``) in an ``IdempotencyRecord`` in the *same* transaction as the write it protects:

- no key (``None`` / blank): ``run()`` is simply called; nothing is stored;
- a new key: ``run()`` runs and its answer is stored with the hash of ``request_data``;
- the same key and the same request (canonical JSON hash): the stored answer is returned and
  ``run()`` is not called (``Outcome.replayed`` is True);
- the same key with a different request: ``IdempotencyKeyReused`` (1600300), nothing runs;
- ``run()`` raising: nothing is stored (its writes roll back with the record), so a retry with
  the same key runs again and gets the same refusal or, if the cause went away, succeeds.

Concurrency: the record's unique constraint decides. Two requests with one key that both miss
the lookup both run; the loser's insert fails (PostgreSQL waits for the winner's commit first),
its whole transaction rolls back, and it answers with the winner's stored response. On SQLite,
write transactions are serialised (``transaction_mode="IMMEDIATE"``), so the second simply
finds the first's record.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from .errors import DomainError, ErrorCode
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
SCOPE_MAX_LENGTH = 60


class IdempotencyKeyInvalid(DomainError):
    """The ``Idempotency-Key`` header is too long or holds non-printable characters (1600300)."""

    default_code = ErrorCode.PARAM_ERROR


class IdempotencyKeyReused(DomainError):
    """The key was already used for a different request (1600300); nothing was done."""

    default_code = ErrorCode.PARAM_ERROR


@dataclass(frozen=True)
class Outcome:
    """What ``idempotent`` returns: the answer and whether it was replayed from storage."""

    response: Any
    replayed: bool = False


class _LostRace(Exception):
    """Our insert lost to a concurrent request with the same key (internal)."""


def request_hash(request_data: Any) -> str:
    """sha256 of the canonical JSON of ``request_data`` (sorted keys, compact separators), so
    the same body sent with different key order or whitespace hashes the same."""
    text = json.dumps(
        request_data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key_clean(raw: str | None) -> str:
    """The key as stored ("" for none); ``IdempotencyKeyInvalid`` when it cannot be one."""
    key = (raw or "").strip()
    if len(key) > KEY_MAX_LENGTH:
        raise IdempotencyKeyInvalid(f"{HEADER} is at most {KEY_MAX_LENGTH} characters")
    if key and not all(" " <= ch <= "~" for ch in key):
        raise IdempotencyKeyInvalid(f"{HEADER} must be printable ASCII")
    return key


def _replay(record: IdempotencyRecord, digest: str) -> Outcome:
    if record.request_hash != digest:
        raise IdempotencyKeyReused(
            f"{HEADER} {record.key!r} was already used with a different request body; "
            "use a new key for a new request"
        )
    return Outcome(response=record.response, replayed=True)


def idempotent(
    *,
    owner: Any,
    scope: str,
    key: str | None,
    request_data: Any,
    run: Callable[[], Any],
) -> Outcome:
    """Run ``run()`` at most once per ``(owner, scope, key)``; see the module docstring.

    ``owner`` is the merchant account; ``scope`` names the operation (the API path);
    ``request_data`` is what identifies the request (the parsed body). ``run()`` must return a
    JSON-serialisable value; it runs inside this function's transaction.
    """
    key = idempotency_key_clean(key)
    if not key:
        return Outcome(response=run())
    scope = scope[:SCOPE_MAX_LENGTH]
    digest = request_hash(request_data)
    records = IdempotencyRecord.objects.filter(owner=owner, scope=scope, key=key)
    try:
        with transaction.atomic():
            existing = records.select_for_update(of=("self",), no_key=True).first()
            if existing is not None:
                return _replay(existing, digest)
            response = run()
            # Round-trip through JSON so the first answer is byte-for-byte what a replay sends.
            stored = json.loads(json.dumps(response, cls=DjangoJSONEncoder))
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        owner=owner,
                        scope=scope,
                        key=key,
                        request_hash=digest,
                        response=stored,
                    )
            except IntegrityError:
                raise _LostRace from None
            return Outcome(response=stored)
    except _LostRace:
        return _replay(records.get(), digest)
