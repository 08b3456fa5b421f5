"""Shared pytest fixtures: actors built through the real services (Zulip's rule), the API client."""

import os
import signal
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.tasks import default_task_backend
from django.test import testcases

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import (
    make_merchant,
    make_operator,
    make_staff,
)
from dropyard.core import ratelimit
from dropyard.core.testing.cj_client import CJClient
from dropyard.core.testing.workers import claim_redis_db, require_redis


@pytest.fixture
def merchant(db):
    """A merchant account with its owner (``merchant.owner``)."""
    return make_merchant(business_name="Acme Drop Co")


@pytest.fixture
def owner(merchant):
    return merchant.owner


@pytest.fixture
def other_merchant(db):
    return make_merchant(business_name="Other Shop Ltd")


@pytest.fixture
def rq_redis(settings):
    """The RQ backend on a Redis database of this test's own (skipped without Redis, failed
    under CI=true): the client, flushed after the test."""
    require_redis()
    url, client = claim_redis_db()
    settings.DROPYARD_TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": url}}
    try:
        yield client
    finally:
        client.flushdb()


@pytest.fixture
def staff_user(merchant):
    """A staff member of ``merchant`` with only the orders permission."""
    return make_staff(merchant=merchant, permissions=["orders"])


@pytest.fixture
def operator_admin(db):
    return make_operator(role="admin")


@pytest.fixture
def agent(db):
    return make_operator(role="agent")


@pytest.fixture
def support(db):
    return make_operator(role="support")


@pytest.fixture
def assigned(merchant, agent, operator_admin):
    """``merchant`` with ``agent`` as its personal agent (assigned by ``operator_admin``)."""
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    merchant.refresh_from_db()
    return merchant


@pytest.fixture
def cj(client):
    """The CJ API conformance client over Django's test client."""
    return CJClient(client)


@pytest.fixture
def api_key(merchant):
    """The plaintext of a live API key of ``merchant``."""
    _, plaintext = account_services.apikey_create(
        merchant=merchant, actor=merchant.owner, name="ERP"
    )
    return plaintext


@pytest.fixture
def ratelimit_clock(monkeypatch):
    """The rate limiters' clock (``core.ratelimit.clock``) frozen at ``ratelimit_clock.now``
    seconds since the epoch; a test moves it by assigning ``now``."""

    class Clock:
        now = 1_800_000_000.25

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


@pytest.fixture(autouse=True)
def tasks():
    """The test task backend (DummyBackend) keeps results across tests; start each test empty."""
    clear = getattr(default_task_backend, "clear", None)
    if clear:
        clear()
    yield default_task_backend
    if clear:
        clear()


@pytest.fixture
def restore_signals():
    """The worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


class SharedConnectionWSGIServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares the test's connection.

    With the in-memory SQLite test database, pytest-django hands the live server the test
    thread's own connection (the database exists only inside it), and Django's threaded server
    gives that one connection to every request thread. A page that loads two images at once
    then runs two queries on one sqlite3 connection from two threads, which fails at random
    under load (InterfaceError, or an image that never arrives). Invariant: with a shared
    connection, at most one request runs the application at a time, body included; requests
    still get their own threads, so an idle keep-alive connection blocks nobody. PostgreSQL
    runs give each thread its own connection and are unchanged.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, connections_override=connections_override, **kwargs)
        self._one_at_a_time = threading.Lock() if connections_override else None

    def set_app(self, application):
        lock = self._one_at_a_time
        if lock is None:
            super().set_app(application)
            return

        def serialised(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()  # request_finished runs inside the lock too
            return [body]

        super().set_app(serialised)


# pytest-django builds Django's LiveServerThread, which reads this class attribute.
testcases.LiveServerThread.server_class = SharedConnectionWSGIServer


# Debian's Chromium; these flags keep it from stalling on the machines' closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium driven by Playwright (required in CI, skipped elsewhere if missing)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the tests touch the ORM too.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # ORM calls made inside Playwright's context get their own connection (Django keys
        # connections by context); close it here, or PostgreSQL cannot drop the test database.
        connections.close_all()


# --- Peer stores ---------------------------------------------------------------------------------
# DROPYARD_PEER_MEDUSA=1 runs the tests that need a real Medusa store (docs/development.md, "Peer
# stores"); ``./run test`` sets it for its PostgreSQL pass and 0 for its SQLite pass. Unset, the
# tests skip, except with CI=true, where the peer is mandatory and they fail. Only the pytest
# controller (the process without ``workerinput``) makes the run folder and stops the store, so
# xdist processes share one Medusa.
PEER_MEDUSA_RUN = "DROPYARD_PEER_MEDUSA_RUN"
_peer_run_owned: list[Path] = []


def pytest_configure(config):
    if os.environ.get("DROPYARD_PEER_MEDUSA") != "1" or hasattr(config, "workerinput"):
        return
    if PEER_MEDUSA_RUN not in os.environ:  # workers inherit it: they are spawned after this
        run = Path(tempfile.mkdtemp(prefix="dropyard-medusa-"))
        os.environ[PEER_MEDUSA_RUN] = str(run)
        _peer_run_owned.append(run)


def pytest_unconfigure(config):
    if not _peer_run_owned:
        return
    from dropyard.core.testing import medusa_peer

    for run in _peer_run_owned:  # the logs stay in the folder for a failed run's post-mortem
        medusa_peer.stop_shared(run)


@pytest.fixture(scope="session")
def medusa_peer():
    """A seeded Medusa v2 store (``dropyard.core.testing.medusa_peer.MedusaPeer``), one per run."""
    wanted = os.environ.get("DROPYARD_PEER_MEDUSA")
    if wanted == "0":
        pytest.skip("DROPYARD_PEER_MEDUSA=0: the Medusa peer tests run in another pass")
    if wanted != "1":
        if os.environ.get("CI") == "true":
            pytest.fail("the Medusa peer store is mandatory in CI: set DROPYARD_PEER_MEDUSA=1")
        pytest.skip("a real Medusa store runs only with DROPYARD_PEER_MEDUSA=1")
    from dropyard.core.testing import medusa_peer

    return medusa_peer.shared_peer(Path(os.environ[PEER_MEDUSA_RUN]))
