"""Store credentials at rest: JSON encrypted with Fernet, rotated with ``MultiFernet``.

Keys come from ``settings.DROPYARD_STORE_KEYS`` (env ``DROPYARD_STORE_KEYS``, comma-separated
Fernet keys). The first key encrypts; every key decrypts, so a new key is put first, the stores
are re-encrypted (``dropyard store_keys_rotate``), then the old key is dropped. Without the
setting one key is derived from ``SECRET_KEY`` with HKDF-SHA256, so changing ``SECRET_KEY``
then makes stored credentials unreadable: production sets ``DROPYARD_STORE_KEYS``.
"""

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_HKDF_INFO = b"dropyard.stores.credentials.v1"


class CredentialsUnreadable(Exception):
    """No configured key decrypts the stored credentials (a key was dropped too early)."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from ``SECRET_KEY`` when no store key is configured."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


@lru_cache(maxsize=4)
def _multi(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(derived_key(secret_key))])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, binascii.Error):
        raise ImproperlyConfigured(
            "DROPYARD_STORE_KEYS must hold comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)"
        ) from None


def _fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "DROPYARD_STORE_KEYS", ()) or ())
    return _multi(keys, settings.SECRET_KEY)


def encrypt(credentials: dict[str, Any]) -> str:
    """The Fernet token (text) of ``credentials`` as JSON, under the first key."""
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict[str, Any]:
    """The credentials in ``token`` (``{}`` for an empty token); any configured key decrypts."""
    if not token:
        return {}
    try:
        data = _fernet().decrypt(token.encode())
    except InvalidToken:
        raise CredentialsUnreadable("no configured store key decrypts these credentials") from None
    result: dict[str, Any] = json.loads(data)
    return result


def rotate(token: str) -> str:
    """``token`` re-encrypted under the first key (empty stays empty)."""
    if not token:
        return token
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable("no configured store key decrypts these credentials") from None
