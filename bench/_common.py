"""Shared set-up for the benchmarks: a throwaway database, configured before Django starts.

The benchmarks never touch the operator's data: SQLite goes to a file under /tmp and PostgreSQL
to its own database (``dropyard_bench`` by default), both dropped and recreated with ``--fresh``.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def configure(*, database: str, name: str, fresh: bool) -> str:
    """Point Django at the benchmark database and start it; returns a label for reports."""
    data_dir = Path(f"/tmp/{name}-data")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DROPYARD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DROPYARD_SECRET_KEY", "benchmark-only-secret-key")
    os.environ["DROPYARD_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["DROPYARD_SSL_REDIRECT"] = "false"
    os.environ["DROPYARD_API_RATE_LIMITS"] = "false"
    # Benchmarks fund wallets with the Sandbox provider (free money), off by default.
    os.environ["DROPYARD_SANDBOX_PAYMENTS"] = "1"
    os.environ["DROPYARD_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dropyard.config.settings"
    if database == "sqlite":
        path = Path(f"/tmp/{name}.sqlite3")
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif database == "postgres":
        _pg_database_ensure(name, fresh=fresh)
        os.environ["DATABASE_URL"] = f"{PG_URL}/{name}"
    else:
        raise SystemExit(f"unknown database {database!r} (sqlite or postgres)")

    import django  # noqa: PLC0415 - the environment above must be set before Django loads

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return version


def _pg_database_ensure(name: str, *, fresh: bool) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation, as numpy's default does."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(timings_s: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds."""
    ms = [t * 1000 for t in timings_s]
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "mean": statistics.fmean(ms),
        "max": max(ms),
    }


def machine() -> str:
    cores = os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {cores} cores, Python {sys.version.split()[0]}"
    )


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Timer:
    """``with Timer() as t: …`` then ``t.seconds``."""

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
