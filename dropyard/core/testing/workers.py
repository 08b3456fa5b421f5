"""Real ``dropyard worker`` processes for kill tests, and a raw view of the database they share.

The workers run as subprocesses with the production settings (not the test settings, whose task
backend is a dummy) against a database every process can reach: the PostgreSQL test database of
the current test, or an SQLite file migrated once per test process and copied per test (the
SQLite test database lives in this process's memory). Setup and checks that need the ORM run as
short ``python -c`` scripts (``Cluster.django``); polling uses a raw connection
(``Cluster.query``), which is quick enough to poll every 20 ms.
"""

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
import redis
from rq.job import Job as RQJob

HEARTBEAT_SECONDS = 0.5
DEAD_AFTER_SECONDS = 4  # at least the lease plus a heartbeat, as in production
WEBHOOK_LEASE_SECONDS = 3
TASK_TABLE = "django_tasks_database_dbtaskresult"
REDIS_URL = os.environ.get("DROPYARD_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # SQLite gives text


def postgres_url(settings_dict: dict) -> str:
    """A URL for the database Django's ``settings_dict`` points at."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


def base_env(*, data_dir: Path, database_url: str, backend: str, rq_url: str = "") -> dict:
    """The environment of every worker and script of one test: short heartbeats and leases."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DROPYARD_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dropyard.config.settings",
        DROPYARD_DATA_DIR=str(data_dir),
        DROPYARD_SECRET_KEY="kill-test-secret",
        DATABASE_URL=database_url,
        DROPYARD_TASK_BACKEND=backend,
        DROPYARD_WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
        DROPYARD_WORKER_DEAD_AFTER_SECONDS=str(DEAD_AFTER_SECONDS),
        DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST="true",
        DROPYARD_WEBHOOK_LEASE_SECONDS=str(WEBHOOK_LEASE_SECONDS),
        DROPYARD_WEBHOOK_BACKOFF_SECONDS="1",
        DROPYARD_SANDBOX_CARRIER_STEP_SECONDS="0",
    )
    if rq_url:
        env["DROPYARD_RQ_URL"] = rq_url
    return env


def sqlite_template(folder: Path, env: dict) -> Path:
    """A migrated SQLite file in ``folder``, made once for all test processes sharing it."""
    template = folder / "template.sqlite3"
    with (folder / "template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist processes: the first migrates, others wait
        if not template.exists():
            partial = folder / "template.part.sqlite3"
            subprocess.run(
                [sys.executable, "-m", "dropyard", "migrate", "--verbosity", "0"],
                env={**env, "DATABASE_URL": f"sqlite:///{partial}"},
                check=True,
                timeout=300,
            )
            partial.rename(template)
    return template


def claim_redis_db() -> tuple[str, Any]:
    """A Redis database of its own for one test (``(url, client)``), flushed by ``release``.

    The RQ queue is named ``default`` in every test, so parallel tests (xdist processes) must
    not share a database: each claims an empty one with a key set only if absent.
    """
    token = uuid.uuid4().hex
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{REDIS_URL}/{number}")
        if client.dbsize() == 0 and client.set("dropyard-test:claim", token, nx=True, ex=900):
            return f"{REDIS_URL}/{number}", client
    pytest.fail("no free Redis database (1-15) for an RQ kill test")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(f"{REDIS_URL}/0", socket_connect_timeout=2).ping())
    except redis.RedisError:  # refused or timed out: no Redis here
        return False


def require_redis() -> None:
    """Skip without Redis, except under CI=true, where a missing Redis is a failure."""
    if redis_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (required when CI=true)")
    pytest.skip(f"Redis is not reachable at {REDIS_URL}")


@dataclass
class Cluster:
    """The workers of one test and the database they share."""

    env: dict
    tmp_path: Path
    sqlite_path: Path | None = None
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    redis: Any = None

    @property
    def log(self) -> Path:
        return self.tmp_path / "workers.log"

    # --- processes ------------------------------------------------------------------------

    def start(self, worker_id: str) -> subprocess.Popen:
        """Start ``dropyard worker`` as ``worker_id`` in its own process group."""
        command = [
            sys.executable,
            "-m",
            "dropyard",
            "worker",
            "--no-reload",
            "--no-startup-delay",
            "--no-scheduler",
            "--interval",
            "0.1",
            "--worker-id",
            worker_id,
        ]
        with self.log.open("ab") as out:
            process = subprocess.Popen(
                command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers[worker_id] = process
        return process

    def kill(self, worker_id: str) -> float:
        """SIGKILL the worker and everything it started (RQ's scheduler); the monotonic time."""
        process = self.workers[worker_id]
        os.killpg(process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        process.wait(timeout=10)
        return killed_at

    def stop_all(self) -> None:
        for process in self.workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def wait_until_live(self, worker_id: str, *, timeout: float = 30) -> None:
        """Until the worker has started its loop (DB: its liveness row; RQ: registered)."""
        if self.redis is not None:
            key = f"rq:worker:{worker_id}"
            self.wait_for(
                lambda: self.redis.exists(key), what=f"{worker_id} to start", timeout=timeout
            )
        else:
            self.wait_for(
                lambda: self.query("SELECT 1 FROM core_taskworker WHERE worker_id = %s", worker_id),
                what=f"{worker_id} to start",
                timeout=timeout,
            )

    def running_worker(self, task_path: str, **kwargs: Any) -> str:
        """The id of the worker running a ``task_path`` task with these keyword arguments."""
        if self.redis is not None:
            for worker_id in self.workers:
                job_id = self.redis.hget(f"rq:worker:{worker_id}", "current_job")
                if not job_id:
                    continue
                job = RQJob.fetch(job_id.decode(), connection=self.redis)
                if job.func_name == task_path and kwargs.items() <= job.kwargs.items():
                    return worker_id
            return ""
        rows = self.query(
            f"SELECT worker_ids, args_kwargs FROM {TASK_TABLE} "
            "WHERE status = 'RUNNING' AND task_path = %s",
            task_path,
        )
        for worker_ids, args_kwargs in rows:
            task_kwargs = _json(args_kwargs)["kwargs"]
            if kwargs.items() <= task_kwargs.items():
                return _json(worker_ids)[-1]
        return ""

    def wait_for(self, condition: Callable[[], Any], *, what: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.02)
        pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{self.log.read_text()}")

    # --- database -------------------------------------------------------------------------

    def django(self, code: str) -> Any:
        """Run ``code`` in a Django subprocess; it prints one JSON value last, returned here."""
        script = "import django\ndjango.setup()\n" + code
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def query(self, sql: str, *params: Any) -> list[tuple]:
        """Rows of a read-only query (``%s`` placeholders), on a fresh raw connection."""
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path, timeout=30)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()
