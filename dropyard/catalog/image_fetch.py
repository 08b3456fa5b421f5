"""Read the picture behind an ``imageUrl`` (search by image) safely.

- Only ``http``/``https`` URLs of at most ``MAX_URL_LENGTH`` characters, without control
  characters (NUL included) or credentials.
- A URL on this site's own media (``MEDIA_URL`` on a host in ``site_hosts``, e.g. a ``bigImage``
  the API handed out) is read from storage, without a network round trip.
- Anything else is fetched with httpx: the host is resolved first and every address must be
  public (``ipaddress.is_global``): loopback, private, link-local (cloud metadata), multicast
  and reserved addresses are refused unless ``DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE`` is on (tests
  serving a picture from a local server). The connection goes to the address that was checked
  (the URL's host is kept for ``Host`` and TLS SNI/verification), so a second DNS answer cannot
  swap in an internal address. Redirects are followed by hand, at most ``MAX_REDIRECTS``, each
  target checked the same way.
- Limits: ``FETCH_TIMEOUT`` seconds overall, ``MAX_IMAGE_BYTES`` of body (a larger declared or
  streamed body is refused), HTTP 200 and an ``image/*`` content type.

Every refusal is ``ImageRefused`` (1600300) with a message naming ``imageUrl``.
"""

import ipaddress
import socket
import time
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

from .imagehashing import MAX_IMAGE_BYTES, ImageRefused

MAX_URL_LENGTH = 2048
MAX_REDIRECTS = 3
FETCH_TIMEOUT = 10.0
CONNECT_TIMEOUT = 5.0
PARAM = "imageUrl"


def _check_url(url: object) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL."""
    if not isinstance(url, str) or not url.strip():
        raise ImageRefused(f"{PARAM} is required")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ImageRefused(f"{PARAM} is longer than {MAX_URL_LENGTH} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ImageRefused(f"{PARAM} contains control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImageRefused(f"{PARAM} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImageRefused(f"{PARAM} must be an http or https URL")
    if parts.username or parts.password:
        raise ImageRefused(f"{PARAM} must not contain credentials")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _local_media(url: str, site_hosts: set[str]) -> bytes | None:
    """The bytes of a media file of this site named by ``url``; None if it is not one."""
    parts = urlsplit(url.strip())
    media = settings.MEDIA_URL
    if parts.netloc.lower() not in site_hosts or not parts.path.startswith(media):
        return None
    name = unquote(parts.path[len(media) :])
    if not name or name.startswith("/") or ".." in name.split("/") or "\x00" in name:
        raise ImageRefused(f"{PARAM}: no such picture on this site")
    try:
        if not default_storage.exists(name):
            raise ImageRefused(f"{PARAM}: no such picture on this site")
        if default_storage.size(name) > MAX_IMAGE_BYTES:
            raise ImageRefused(f"{PARAM}: the picture is larger than {_mb()} MB")
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except (OSError, ValueError, SuspiciousFileOperation) as exc:
        raise ImageRefused(f"{PARAM}: no such picture on this site") from exc


def _mb() -> int:
    return MAX_IMAGE_BYTES // (1024 * 1024)


def _public_address(host: str, port: int) -> str:
    """The first resolved address of ``host``, all of which must be public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ImageRefused(f"{PARAM}: the host {host} cannot be resolved") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ImageRefused(f"{PARAM}: the host {host} cannot be resolved")
    if not getattr(settings, "DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE", False):
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise ImageRefused(f"{PARAM}: private, loopback and local addresses are refused")
    return addresses[0]


def _pinned_request(client: httpx.Client, url: str, deadline: float) -> httpx.Response:
    """GET ``url`` from the checked address of its host (streaming; caller closes)."""
    scheme, host, port = _check_url(url)
    address = _public_address(host, port)
    parts = urlsplit(url.strip())
    ip_host = f"[{address}]" if ":" in address else address
    target = parts._replace(netloc=f"{ip_host}:{port}").geturl()
    host_header = host if parts.port is None else f"{host}:{port}"
    request = client.build_request(
        "GET",
        target,
        headers={"Host": host_header, "Accept": "image/*"},
        extensions={
            "sni_hostname": host,
            "timeout": _timeouts(deadline),
        },
    )
    return client.send(request, stream=True)


def _timeouts(deadline: float) -> dict[str, float]:
    left = max(deadline - time.monotonic(), 0.1)
    connect = min(CONNECT_TIMEOUT, left)
    return {"connect": connect, "read": left, "write": left, "pool": left}


def _read_body(response: httpx.Response, deadline: float) -> bytes:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        raise ImageRefused(f"{PARAM}: the URL does not serve an image ({kind or 'no type'})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMAGE_BYTES:
        raise ImageRefused(f"{PARAM}: the picture is larger than {_mb()} MB")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_IMAGE_BYTES:
            raise ImageRefused(f"{PARAM}: the picture is larger than {_mb()} MB")
        if time.monotonic() > deadline:
            raise ImageRefused(f"{PARAM}: the download took longer than {FETCH_TIMEOUT:g} s")
    return bytes(body)


def image_url_read(url: object, *, site_hosts: set[str]) -> bytes:
    """The bytes behind ``url`` (see the module docstring); ``ImageRefused`` otherwise.

    ``site_hosts`` are the lower-case ``host[:port]`` names this site answers to (its media is
    read from storage).
    """
    _check_url(url)
    current = str(url).strip()
    local = _local_media(current, site_hosts)
    if local is not None:
        return local
    deadline = time.monotonic() + FETCH_TIMEOUT
    try:
        with httpx.Client(follow_redirects=False, verify=True) as client:
            for _ in range(MAX_REDIRECTS + 1):
                response = _pinned_request(client, current, deadline)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise ImageRefused(
                            f"{PARAM}: the server answered HTTP {response.status_code}"
                        )
                    return _read_body(response, deadline)
                finally:
                    response.close()
    except httpx.TimeoutException:
        raise ImageRefused(f"{PARAM}: the server did not answer in time") from None
    except httpx.HTTPError:
        raise ImageRefused(f"{PARAM}: the picture could not be downloaded") from None
    raise ImageRefused(f"{PARAM}: more than {MAX_REDIRECTS} redirects")
