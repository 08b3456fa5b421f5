"""A keyword search's capped count on a second database connection, beside the page.

Why (docs/benchmarks.md, 2026-12-07, sessions 13 and 14): the count (listV2 ``totalRecords``,
capped) and the relevance page are independent reads. On one connection a keyword answer waits for
both, one after the other; here the count runs on a connection of a small per-process thread
pool while the request's own connection reads the page, so the answer waits for the slower of
the two. It lowers latency, not the work: on a saturated server it gains nothing.

- PostgreSQL: each pool thread keeps one autocommit psycopg connection of its own.
- SQLite: each pool thread keeps one ``sqlite3`` connection to the same file, opened as Django
  opens its own (functions, pragmas, WAL), with Django's ``%s`` cursor. SQLite releases the GIL
  while a statement runs and WAL readers do not block each other, so the two reads overlap.
- Only outside transactions (``count_aside_possible``): inside one, another connection would not
  see its uncommitted writes (and the tests run inside one).
- Errors reach the caller (``Future.result``); a closed or broken connection is reopened; a
  forked child (a server's worker, a task's work horse) starts a pool of its own.
"""

import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing

from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

_pool: ThreadPoolExecutor | None = None
_local = threading.local()
# Every connection the pool threads opened, so that ``count_aside_close`` can close them.
_opened: list = []
_lock = threading.Lock()


def _forget_after_fork() -> None:
    """A forked child (a server's worker, a task's work horse) has none of the parent's pool
    threads, and must not use or close its connections (closing a PostgreSQL one would end the
    parent's session on the shared socket): it starts a pool of its own."""
    global _pool, _local, _opened
    _pool, _local, _opened = None, threading.local(), []


os.register_at_fork(after_in_child=_forget_after_fork)


def count_aside_possible() -> bool:
    """Whether a count may run on another connection: enabled, a database that allows it, and
    this connection in autocommit outside any atomic block. Inside a transaction another
    connection would not see its uncommitted writes, so there the count stays here. An
    in-memory SQLite database (other than the shared-cache one the tests use) is private to its
    connection."""
    return (
        settings.DROPYARD_SEARCH_COUNT_ASIDE
        and connection.vendor in ("postgresql", "sqlite")
        and not (connection.vendor == "sqlite" and _private_memory_db())
        and not connection.in_atomic_block
        and connection.get_autocommit()
    )


def _private_memory_db() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.is_in_memory_db() and "cache=shared" not in name  # type: ignore[attr-defined]


def count_aside(count: Callable[..., int], *args) -> Future[int]:
    """Start ``count(cursor, *args)`` on a pool thread's own connection; its ``result()`` is the
    number (or raises what the count raised). The cursor takes Django's ``%s`` parameters on
    both databases. The pool is created on first use, so after a server forks its workers."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(1, settings.DROPYARD_SEARCH_COUNT_THREADS),
                thread_name_prefix="search-count",
            )
    return _pool.submit(_count_on_own_connection, count, args)


def count_aside_close() -> None:
    """Close the pool threads' connections (they reopen on their next count): for tests, which
    drop their database at the end, and for a clean shutdown."""
    with _lock:
        opened, _opened[:] = list(_opened), []
    for raw in opened:
        raw.close()


def _count_on_own_connection(count: Callable[..., int], args: tuple) -> int:
    raw = getattr(_local, "raw", None)
    if raw is None or not _usable(raw):
        # ``connection`` here is this pool thread's own wrapper (Django keeps one per thread),
        # used only for its parameters and its way of opening a connection; it never opens.
        params = connection.get_connection_params()
        if connection.vendor == "sqlite":
            raw = connection.get_new_connection(params)
            raw.isolation_level = None  # autocommit: each count reads the latest commit
        else:
            raw = connection.Database.connect(**params)
            raw.autocommit = True
        _local.raw = raw
        with _lock:
            _opened.append(raw)
    sqlite = isinstance(raw, sqlite3.Connection)
    # A sqlite3 cursor is no context manager; closing() serves both.
    with closing(raw.cursor(factory=SQLiteCursorWrapper) if sqlite else raw.cursor()) as cursor:
        return count(cursor, *args)


def _usable(raw) -> bool:
    if isinstance(raw, sqlite3.Connection):
        try:
            raw.total_changes  # noqa: B018 - raises ProgrammingError once closed
        except sqlite3.ProgrammingError:
            return False
        return True
    return not (raw.closed or raw.broken)
