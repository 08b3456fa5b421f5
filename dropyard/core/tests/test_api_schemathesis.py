"""schemathesis over the whole developer API, in-process (WSGI), with a valid token.

The app's own ``openapi.json`` drives a bounded, seeded run: every operation it lists at run time
gets ``EXAMPLES`` generated requests in each generation mode (positive: valid per the schema;
negative: wrong types, missing fields, out-of-range values), sent with a live token of a
merchant that has products, stock and an order. Every answer is checked for a server error (5xx)
and against the operation's documented responses (both envelopes, see ``DropyardAPI``). The test
fails listing each operation and check that failed, with a curl reproduction.

Each request runs in a savepoint of the test's transaction, rolled back after a 5xx, so one
failure on PostgreSQL does not abort the transaction for the requests after it.
"""

import logging
import os
import time
from collections import defaultdict

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from dropyard.accounts import services as account_services
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import make_order_world, order_item

# Requests per operation and generation mode: small enough for every ./run test pass; raise it
# for a deeper run (DROPYARD_SCHEMATHESIS_EXAMPLES=200 …), the seed stays the same.
EXAMPLES = int(os.environ.get("DROPYARD_SCHEMATHESIS_EXAMPLES", "8"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]
SHOWN_PER_OPERATION = 2
logger = logging.getLogger(__name__)


@pytest.fixture
def connection_kept_open(monkeypatch):
    """The WSGI handler closes the database connection after each request (as in production);
    the test's transaction must survive it, including in-process calls nested in a request
    (the Sandbox store), so the connection ignores the per-request cleanup."""
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)


def _summary(exc: BaseException) -> str:
    """The first line of each failed check (schemathesis groups them)."""
    inner = getattr(exc, "exceptions", None) or [exc]
    return "; ".join(str(e).strip().splitlines()[0] for e in inner)


@pytest.fixture
def api_key(merchant, owner):
    """An API key of ``merchant``, which has products, stock and an order."""
    world = make_order_world()
    order_services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    _, plaintext = account_services.apikey_create(merchant=merchant, actor=owner, name="fuzz")
    return plaintext


def _run_operation(operation, mode, headers, failures, counts) -> None:
    """``EXAMPLES`` generated requests to one operation; failures collected, not raised (no
    shrinking: the run stays bounded and every operation gets its turn)."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        counts["requests"] += 1
        savepoint = transaction.savepoint_create()
        response = case.call(headers=headers)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # FailureGroup is a BaseExceptionGroup
            found = failures[f"{operation.label} [{mode.value}]"]
            if len(found) < SHOWN_PER_OPERATION:
                found.append(
                    f"{_summary(exc)}\n    answer: {response.text[:300]}\n"
                    f"    {case.as_curl_command()[:600]}"
                )

    run()


def test_api_answers_every_generated_request_without_5xx_or_schema_violation(
    api_key, connection_kept_open
):
    schema = schemathesis.openapi.from_wsgi("/api2.0/v1/openapi.json", get_wsgi_application())
    failures: dict[str, list[str]] = defaultdict(list)
    counts = {"operations": 0, "requests": 0}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        # A fresh token per operation: logout and refreshAccessToken may revoke the last one.
        token = account_services.token_issue(api_key=api_key)[1]
        for mode in MODES:
            _run_operation(operation, mode, {"CJ-Access-Token": token}, failures, counts)
    logger.warning(
        "schemathesis: %(operations)s operations, %(requests)s requests in %(seconds).1f s, "
        "%(failing)s failing",
        {**counts, "seconds": time.monotonic() - started, "failing": len(failures)},
    )
    assert counts["operations"] >= 60  # the whole API, not an empty document
    assert not failures, "\n\n".join(f"{k}:\n" + "\n".join(v) for k, v in failures.items())
