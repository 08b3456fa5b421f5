"""``dropyard serve`` as users run it: a real gunicorn process with production settings.

The server runs in a subprocess with ``dropyard.config.settings`` (DEBUG off, hashed static files
served by WhiteNoise). On SQLite it gets a fresh database file in a temporary data directory
(the test database is in memory); on PostgreSQL it uses the test database pytest-django created.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

START_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a production-settings server process with a migrated database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DROPYARD_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dropyard.config.settings",
        DROPYARD_DATA_DIR=str(tmp_path / "data"),
        DROPYARD_DEBUG="false",
    )
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = _postgres_url(connection.settings_dict)
    else:
        subprocess.run(
            [sys.executable, "-m", "dropyard", "migrate", "--verbosity", "0"],
            env=env,
            check=True,
            timeout=300,
        )
    return env


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dropyard serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"dropyard serve did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


# transaction=True: the server process must see committed data, and its writes are flushed after.
@pytest.mark.django_db(transaction=True)
def test_serves_pages_and_hashed_static_files_then_stops_cleanly(server_env, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "dropyard", "serve", "--port", str(port), "--workers", "1"],
            env=server_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, f"{base}/accounts/login/", log)

        page = httpx.get(f"{base}/accounts/login/", timeout=10)
        htmx_url = re.search(r'src="(/static/vendor/htmx\.min\.[0-9a-f]{12}\.js)"', page.text)
        static = httpx.get(f"{base}{htmx_url.group(1)}", timeout=10) if htmx_url else None
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise

    output = log.read_text()
    assert page.status_code == 200, output
    assert htmx_url is not None, page.text
    assert static.status_code == 200
    assert "htmx" in static.text
    assert "immutable" in static.headers["cache-control"]
    assert returncode == 0, output
    assert 'GET /accounts/login/ HTTP/1.1" 200' in output  # access log on stdout
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/accounts/login/", timeout=2)
