"""A keyword search's capped count on a second connection (``search_aside.count_aside``), on
SQLite and PostgreSQL: the same total and page as the count on the request's own connection,
only outside a transaction, and its errors reach the caller."""

import os
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dropyard.catalog import search, search_aside
from dropyard.catalog.search import product_search_ids
from dropyard.catalog.tests.factories import create_product


@pytest.fixture
def aside(settings):
    # A transactional test before this one leaves its SQLite full-text rows behind (the flush
    # empties the models' tables, not the FTS5 table): start from an index of no products.
    search.search_index_rebuild()
    settings.DROPYARD_SEARCH_COUNT_ASIDE = True
    yield
    # The pool threads' connections would keep the test database from being dropped.
    search_aside.count_aside_close()


def _counted_here(queries) -> bool:
    # The capped count's statement on either database (the PostgreSQL page has a COUNT inside).
    return any(query["sql"].startswith("SELECT COUNT(*) FROM (SELECT") for query in queries)


@pytest.mark.django_db(transaction=True)
def test_the_count_runs_on_another_connection_with_the_same_answer(aside, settings):
    lamps = [create_product(name=f"Moon Lamp {n}") for n in range(7)]
    create_product(name="Desk Organizer")
    newest_first = [p.pk for p in reversed(lamps)]

    settings.DROPYARD_SEARCH_COUNT_ASIDE = False
    with CaptureQueriesContext(connection) as here:
        serial = product_search_ids(keyword="lamp", limit=3, count_cap=6000)
    settings.DROPYARD_SEARCH_COUNT_ASIDE = True
    with CaptureQueriesContext(connection) as beside:
        parallel = product_search_ids(keyword="lamp", limit=3, count_cap=6000)

    assert serial == (7, newest_first[:3])
    assert parallel == serial
    assert _counted_here(here.captured_queries)
    assert not _counted_here(beside.captured_queries)
    # The cap and pages past the total behave as before.
    assert product_search_ids(keyword="lamp", limit=3, count_cap=5) == (5, newest_first[:3])
    assert product_search_ids(keyword="lamp", offset=6, limit=3, count_cap=6000) == (
        7,
        newest_first[6:],
    )
    assert product_search_ids(keyword="lamp", offset=9, limit=3, count_cap=6000) == (7, [])


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_count_stays_on_this_connection(aside):
    with transaction.atomic():
        # Not committed: another connection would count none of these.
        for n in range(3):
            create_product(name=f"Travel Bottle {n}")
        with CaptureQueriesContext(connection) as here:
            total, page = product_search_ids(keyword="bottle", limit=2, count_cap=6000)
    assert total == 3
    assert len(page) == 2
    assert _counted_here(here.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_failing_count_raises_in_the_caller_and_the_pool_goes_on(aside, monkeypatch):
    create_product(name="Bamboo Cutting Board")
    threads: list[str] = []
    real_count = search._count

    def failing(cursor, *args):
        threads.append(threading.current_thread().name)
        raise RuntimeError("count failed")

    monkeypatch.setattr(search, "_count", failing)
    with pytest.raises(RuntimeError, match="count failed"):
        product_search_ids(keyword="bamboo", limit=5, count_cap=6000)
    assert threads[0].startswith("search-count")

    monkeypatch.setattr(search, "_count", real_count)
    assert product_search_ids(keyword="bamboo", limit=5, count_cap=6000)[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_closed_pool_connection_is_reopened(aside):
    create_product(name="Silicone Baking Mat")
    assert product_search_ids(keyword="silicone", limit=5, count_cap=6000)[0] == 1
    search_aside.count_aside_close()
    assert product_search_ids(keyword="silicone", limit=5, count_cap=6000)[0] == 1


# The pool's threads are alive in the parent, which is what the fork must leave behind.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.django_db(transaction=True)
def test_a_forked_child_starts_its_own_pool(aside):
    create_product(name="Portable Speaker")
    assert product_search_ids(keyword="speaker", limit=5, count_cap=6000)[0] == 1
    assert search_aside._pool is not None
    parents = list(search_aside._opened)
    assert parents

    pid = os.fork()
    if pid == 0:  # the child: none of the parent's threads or connections
        os._exit(0 if search_aside._pool is None and search_aside._opened == [] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's pool and connections are untouched.
    assert search_aside._opened == parents
    assert all(search_aside._usable(raw) for raw in parents)
    assert product_search_ids(keyword="speaker", limit=5, count_cap=6000)[0] == 1
