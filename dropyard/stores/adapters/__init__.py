"""The adapter registry: ``adapter_for(store)`` builds the platform's ``StoreAdapter``.

Platform packages register their class with ``@register(Platform.X)``; none is registered in
this package itself, so ``adapter_for`` refuses a platform whose package is not loaded.
"""

from collections.abc import Callable
from typing import Protocol

from .base import StoreAdapter, StoreContext

_REGISTRY: dict[str, type[StoreAdapter]] = {}


class UnsupportedPlatform(LookupError):
    """No adapter is registered for the store's platform."""


class _StoreLike(Protocol):
    platform: str
    domain: str
    currency: str

    def credentials_get(self) -> dict: ...


def register(platform: str) -> Callable[[type[StoreAdapter]], type[StoreAdapter]]:
    """Class decorator: the adapter for ``platform`` (a later registration replaces it)."""

    def decorate(cls: type[StoreAdapter]) -> type[StoreAdapter]:
        _REGISTRY[platform] = cls
        return cls

    return decorate


def unregister(platform: str) -> None:
    """Forget the adapter of ``platform`` (tests)."""
    _REGISTRY.pop(platform, None)


def adapter_for(store: _StoreLike) -> StoreAdapter:
    """The adapter of ``store``'s platform, given the store as plain data (credentials
    decrypted here, so the adapter never sees the model)."""
    try:
        cls = _REGISTRY[store.platform]
    except KeyError:
        raise UnsupportedPlatform(f"no adapter for platform {store.platform!r}") from None
    context = StoreContext(
        platform=store.platform,
        domain=store.domain,
        currency=store.currency,
        credentials=store.credentials_get(),
    )
    return cls(context)
