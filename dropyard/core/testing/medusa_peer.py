"""A real Medusa v2 store (``peers/medusa``) for end-to-end store tests.

``start`` installs the pinned node modules once (``npm ci``), gives Medusa a fresh PostgreSQL
database cloned from a migrated template (``medusa db:migrate`` and the admin user run once per
package-lock and config), boots ``medusa start`` on a free loopback port in a process group of
its own with its logs in a temporary folder, then seeds through the admin API with a secret API
key what a shopper's order needs: USD in the store, a US region with the system payment
provider, a stock location with a shipping fulfillment set, a US service zone and a flat-rate
shipping option, a tax region, and a publishable key of the default sales channel.
``stop`` kills that process group and nothing else. The pytest fixture that drives this lives in
the root ``conftest.py`` (opt-in: ``DROPYARD_PEER_MEDUSA=1``).
"""

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

PEER_DIR = Path(__file__).resolve().parents[3] / "peers" / "medusa"
MEDUSA = PEER_DIR / "node_modules" / ".bin" / "medusa"
INSTALLED_MARKER = PEER_DIR / "node_modules" / ".dropyard-installed"
DATABASE_URL = os.environ.get(
    "DROPYARD_PEER_MEDUSA_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medusa_peer"
)
ADMIN_EMAIL = "admin@peer.test"
ADMIN_PASSWORD = "peer-test-password"  # a throwaway store on loopback, never a real shop
BOOT_SECONDS = 180
TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # cart completion runs a workflow: slow on 2 cores

US_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Shopper",
    "address_1": "1 Main Street",
    "city": "Springfield",
    "province": "IL",
    "postal_code": "62701",
    "country_code": "us",
    "phone": "+12175550100",
}


class PeerError(RuntimeError):
    """Medusa refused a call or did not come up; the message carries its answer or log tail."""


def _fingerprint() -> str:
    """Changes whenever the installed modules or the configuration would change the schema."""
    digest = hashlib.sha256()
    for name in ("package-lock.json", "medusa-config.js"):
        digest.update((PEER_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def _node_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Dropyard's own settings (DATABASE_URL is Dropyard's database) stay out of Medusa
        if not key.startswith(("DJANGO_", "DROPYARD_")) and key != "DATABASE_URL"
    }
    env.update(MEDUSA_DISABLE_TELEMETRY="true", **extra)
    return env


def _run(args: list[str], *, log: Path, env: dict[str, str], timeout: int) -> None:
    with log.open("a") as out:
        result = subprocess.run(
            args, cwd=PEER_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    if result.returncode:
        raise PeerError(f"{' '.join(args)} exited {result.returncode}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def ensure_installed(log_dir: Path) -> None:
    """``npm ci`` once per package-lock (the marker holds its fingerprint); others wait."""
    with (PEER_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs on one checkout install once
        wanted = _fingerprint()
        if INSTALLED_MARKER.exists() and INSTALLED_MARKER.read_text() == wanted:
            return
        npm = shutil.which("npm")
        if npm is None:
            raise PeerError("npm is not installed (Node 20.19+ is needed for the Medusa peer)")
        _run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            log=log_dir / "npm-ci.log",
            env=_node_env(),
            timeout=900,
        )
        INSTALLED_MARKER.write_text(wanted)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def prepare_database(log_dir: Path) -> str:
    """Recreate Medusa's database from a template migrated once per fingerprint; return its URL.

    The template (``<name>_tpl_<fingerprint>``) holds Medusa's schema, its default store, sales
    channel and shipping profile, and the admin user; cloning it takes a second where migrating
    takes half a minute. Templates of older fingerprints are dropped.
    """
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    template = f"{name}_tpl_{_fingerprint()}"
    maintenance = _with_database(DATABASE_URL, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])  # one preparer at a time
        existing = {
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}_tpl_%"]
            )
        }
        if template not in existing:
            partial = f"{template}_part"
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(partial))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(partial)))
            env = _node_env(DATABASE_URL=_with_database(DATABASE_URL, partial))
            log = log_dir / "migrate.log"
            _run([str(MEDUSA), "db:migrate"], log=log, env=env, timeout=600)
            _run(
                [str(MEDUSA), "user", "-e", ADMIN_EMAIL, "-p", ADMIN_PASSWORD],
                log=log,
                env=env,
                timeout=300,
            )
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(partial), sql.Identifier(template)
                )
            )
        for stale in existing - {template}:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(stale))
            )
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return DATABASE_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MedusaPeer:
    """A running, seeded Medusa: its URL, keys and the ids a shopper's order needs."""

    url: str
    pid: int
    log_dir: str
    secret_key: str = ""
    publishable_key: str = ""
    region_id: str = ""
    sales_channel_id: str = ""
    stock_location_id: str = ""
    shipping_profile_id: str = ""
    shipping_option_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def _call(self, method: str, path: str, headers: dict, **kwargs: Any) -> dict:
        response = httpx.request(
            method, self.url + path, headers=headers, timeout=TIMEOUT, **kwargs
        )
        if response.status_code >= 400:
            raise PeerError(f"{method} {path} -> {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content else {}

    def admin(self, method: str, path: str, json: Any = None, params: Any = None) -> dict:
        """An admin API call authorized as a merchant's integration would be: the secret key."""
        token = base64.b64encode(f"{self.secret_key}:".encode()).decode()
        return self._call(
            method, path, {"Authorization": f"Basic {token}"}, json=json, params=params
        )

    def store(self, method: str, path: str, json: Any = None, params: Any = None) -> dict:
        """A store (shopper) API call with the publishable key of the seeded sales channel."""
        headers = {"x-publishable-api-key": self.publishable_key}
        return self._call(method, path, headers, json=json, params=params)

    def place_store_order(
        self, items: dict[str, int], address: dict | None = None, email: str = "ada@peer.test"
    ) -> str:
        """Check out ``{variant_id: quantity}`` through the store API as a shopper; the order id.

        Cart → line items → address → cheapest shipping option → payment collection → a
        session with the system provider (authorizes at once) → complete.
        """
        address = address or US_ADDRESS
        cart = self.store(
            "POST",
            "/store/carts",
            {"region_id": self.region_id, "sales_channel_id": self.sales_channel_id},
        )["cart"]
        for variant_id, quantity in items.items():
            self.store(
                "POST",
                f"/store/carts/{cart['id']}/line-items",
                {"variant_id": variant_id, "quantity": quantity},
            )
        self.store(
            "POST",
            f"/store/carts/{cart['id']}",
            {"email": email, "shipping_address": address, "billing_address": address},
        )
        options = self.store("GET", "/store/shipping-options", params={"cart_id": cart["id"]})
        if not options["shipping_options"]:
            raise PeerError(f"no shipping option for cart {cart['id']}")
        option = min(options["shipping_options"], key=lambda o: o["amount"])
        self.store(
            "POST", f"/store/carts/{cart['id']}/shipping-methods", {"option_id": option["id"]}
        )
        collection = self.store("POST", "/store/payment-collections", {"cart_id": cart["id"]})
        self.store(
            "POST",
            f"/store/payment-collections/{collection['payment_collection']['id']}/payment-sessions",
            {"provider_id": "pp_system_default"},
        )
        done = self.store("POST", f"/store/carts/{cart['id']}/complete")
        if done.get("type") != "order":
            raise PeerError(f"cart {cart['id']} did not complete: {done.get('error')}")
        return done["order"]["id"]


def _wait_healthy(peer: MedusaPeer, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerError(f"medusa start exited {process.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(peer.url + "/health", timeout=2).text == "OK":
                return
        except httpx.HTTPError:  # not listening yet
            pass
        time.sleep(0.5)
    stop(peer.pid)
    raise PeerError(f"Medusa did not answer /health within {BOOT_SECONDS} s:\n{_tail(log)}")


def _login_secret_key(peer: MedusaPeer) -> str:
    """The admin user logs in once (JWT) to create the secret key every later call uses."""
    login = httpx.post(
        peer.url + "/auth/user/emailpass",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=TIMEOUT,
    )
    login.raise_for_status()
    created = httpx.post(
        peer.url + "/admin/api-keys",
        json={"title": "dropyard-tests", "type": "secret"},
        headers={"Authorization": f"Bearer {login.json()['token']}"},
        timeout=TIMEOUT,
    )
    created.raise_for_status()
    return created.json()["api_key"]["token"]


def seed(peer: MedusaPeer) -> None:
    """Everything a US shopper's USD order needs, made through the admin API."""
    store = peer.admin("GET", "/admin/stores")["stores"][0]
    peer.sales_channel_id = store["default_sales_channel_id"]
    peer.admin(
        "POST",
        f"/admin/stores/{store['id']}",
        {"supported_currencies": [{"currency_code": "usd", "is_default": True}]},
    )
    peer.region_id = peer.admin(
        "POST",
        "/admin/regions",
        {
            "name": "United States",
            "currency_code": "usd",
            "countries": ["us"],
            "payment_providers": ["pp_system_default"],
        },
    )["region"]["id"]
    peer.admin("POST", "/admin/tax-regions", {"country_code": "us", "provider_id": "tp_system"})
    location = peer.admin(
        "POST",
        "/admin/stock-locations",
        {
            "name": "Dropyard warehouse",
            "address": {"address_1": "9 Dock Road", "city": "Newark", "country_code": "us"},
        },
    )["stock_location"]
    peer.stock_location_id = location["id"]
    peer.admin(
        "POST",
        f"/admin/stock-locations/{location['id']}/sales-channels",
        {"add": [peer.sales_channel_id]},
    )
    peer.admin(
        "POST",
        f"/admin/stock-locations/{location['id']}/fulfillment-providers",
        {"add": ["manual_manual"]},
    )
    with_set = peer.admin(
        "POST",
        f"/admin/stock-locations/{location['id']}/fulfillment-sets",
        {"name": "US shipping", "type": "shipping"},
        params={"fields": "id,*fulfillment_sets"},
    )["stock_location"]
    fulfillment_set_id = with_set["fulfillment_sets"][0]["id"]
    zone = peer.admin(
        "POST",
        f"/admin/fulfillment-sets/{fulfillment_set_id}/service-zones",
        {"name": "US", "geo_zones": [{"type": "country", "country_code": "us"}]},
        params={"fields": "id,*service_zones"},
    )["fulfillment_set"]["service_zones"][0]
    profiles = peer.admin("GET", "/admin/shipping-profiles", params={"type": "default"})
    peer.shipping_profile_id = profiles["shipping_profiles"][0]["id"]
    peer.shipping_option_id = peer.admin(
        "POST",
        "/admin/shipping-options",
        {
            "name": "Standard",
            "price_type": "flat",
            "service_zone_id": zone["id"],
            "shipping_profile_id": peer.shipping_profile_id,
            "provider_id": "manual_manual",
            "type": {"label": "Standard", "description": "3-5 days", "code": "standard"},
            "prices": [{"currency_code": "usd", "amount": 5}],
            "rules": [
                {"attribute": "enabled_in_store", "value": "true", "operator": "eq"},
                {"attribute": "is_return", "value": "false", "operator": "eq"},
            ],
        },
    )["shipping_option"]["id"]
    key = peer.admin(
        "POST", "/admin/api-keys", {"title": "dropyard-storefront", "type": "publishable"}
    )["api_key"]
    peer.admin(
        "POST", f"/admin/api-keys/{key['id']}/sales-channels", {"add": [peer.sales_channel_id]}
    )
    peer.publishable_key = key["token"]


def start(log_dir: Path) -> MedusaPeer:
    """Install, prepare the database, boot, wait for ``/health`` and seed; stop it with ``stop``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    ensure_installed(log_dir)
    installed = time.monotonic()
    database_url = prepare_database(log_dir)
    prepared = time.monotonic()
    port = free_port()
    log = log_dir / "server.log"  # outside the project: Medusa's develop mode watches that folder
    with log.open("a") as out:
        process = subprocess.Popen(
            [str(MEDUSA), "start"],
            cwd=PEER_DIR,
            env=_node_env(DATABASE_URL=database_url, PORT=str(port), HOST="127.0.0.1"),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so stop() reaches npx's children
        )
    peer = MedusaPeer(url=f"http://127.0.0.1:{port}", pid=process.pid, log_dir=str(log_dir))
    try:
        _wait_healthy(peer, process, log)
        booted = time.monotonic()
        peer.secret_key = _login_secret_key(peer)
        seed(peer)
    except BaseException:
        stop(peer.pid)
        raise
    (log_dir / "timings.txt").write_text(  # seconds per phase, for docs/development.md
        f"install {installed - began:.1f}\ndatabase {prepared - installed:.1f}\n"
        f"boot {booted - prepared:.1f}\nseed {time.monotonic() - booted:.1f}\n"
    )
    return peer


def _gone(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):  # another test process started it: no reaping
        os.waitpid(pid, os.WNOHANG)  # reap the leader when this process started it
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def stop(pid: int, grace: float = 10.0) -> None:
    """Kill the process group Medusa leads: TERM, then KILL after ``grace`` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if _gone(pid):
                return
            time.sleep(0.2)


# --- One Medusa per pytest run, shared by its xdist processes ----------------------------------
# The controller makes the run folder (pytest_configure) and stops the peer (pytest_unconfigure);
# the first test process that needs Medusa starts it under a file lock and leaves its state in
# the folder for the others. A failed start is recorded too, so the others fail at once instead
# of trying again for minutes.


def shared_peer(run_dir: Path) -> MedusaPeer:
    """The run's Medusa, started by whichever test process asks first."""
    state, failure = run_dir / "state.json", run_dir / "failed.txt"
    with (run_dir / "start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failure.exists():
            raise PeerError(f"Medusa failed to start earlier in this run:\n{failure.read_text()}")
        if state.exists():
            return MedusaPeer(**json.loads(state.read_text()))
        try:
            peer = start(run_dir / "logs")
        except Exception as error:
            failure.write_text(str(error))
            raise
        state.write_text(json.dumps(peer.as_dict()))
        return peer


def stop_shared(run_dir: Path) -> None:
    state = run_dir / "state.json"
    if state.exists():
        stop(json.loads(state.read_text())["pid"])
