"""A local webhook receiver for tests: verifies ``sign``, dedupes on ``messageId``.

It runs a threading ``http.server`` on 127.0.0.1 and checks each POST the way a merchant's
receiver should: the ``sign`` header must equal Base64(HMAC-SHA256(str(openId), raw body)),
computed here with the standard library as an independent oracle. Requests with a bad
signature answer 401 and are not accepted.
"""

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def expected_sign(open_id: int | str, body: bytes) -> str:
    return base64.b64encode(hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Received:
    """One request as it arrived."""

    body: bytes
    headers: dict[str, str]
    sign_ok: bool
    message_id: str


@dataclass
class Receiver:
    """State shared with the handler threads. ``status`` is the HTTP status to answer;
    ``block_first`` makes the first request wait until ``release`` is set (kill tests);
    ``fail_times`` answers 500 to that many (correctly signed) requests first."""

    open_id: int
    status: int = 200
    block_first: bool = False
    fail_times: int = 0
    requests: list[Received] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # messageIds, first time each
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def handle(self, body: bytes, headers: dict[str, str]) -> tuple[int, bool]:
        sign_ok = hmac.compare_digest(headers.get("sign", ""), expected_sign(self.open_id, body))
        try:
            message_id = json.loads(body)["messageId"]
        except (ValueError, KeyError, TypeError):
            message_id = ""
        with self.lock:
            first = not self.requests
            self.requests.append(Received(body, headers, sign_ok, message_id))
        if first and self.block_first:
            self.first_arrived.set()
            self.release.wait(timeout=30)
            return 200, False  # the sender is gone by now; nothing is accepted
        if not sign_ok:
            return 401, False
        with self.lock:
            if self.fail_times > 0:
                self.fail_times -= 1
                return 500, False
        if self.status == 200:
            with self.lock:
                if message_id not in self.accepted:
                    self.accepted.append(message_id)
        return self.status, True

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start_receiver(
    open_id: int, *, status: int = 200, block_first: bool = False, fail_times: int = 0
) -> Receiver:
    receiver = Receiver(
        open_id=open_id, status=status, block_first=block_first, fail_times=fail_times
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, _ = receiver.handle(body, headers)
            payload = json.dumps({"code": 200, "result": "success", "message": "ok"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the sender was killed while we held its request

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
