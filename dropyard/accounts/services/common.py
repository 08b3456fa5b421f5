"""Helpers shared by the accounts services: hashing, input cleaning, verified addresses."""

import hashlib
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext as _
from django_countries import countries

from ..choices import (
    ALL_AREAS,
)
from ..exceptions import (
    AccountsError,
)
from ..models import (
    User,
)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def clean_areas(permissions: Iterable[str]) -> list[str]:
    perms = sorted(set(permissions))
    unknown = [p for p in perms if p not in ALL_AREAS]
    if unknown:
        raise AccountsError(_("Unknown permission area: %(areas)s") % {"areas": ", ".join(unknown)})
    return perms


def clean_store_ids(store_ids: Iterable[Any]) -> list[int]:
    try:
        return sorted({int(s) for s in store_ids})
    except (TypeError, ValueError) as exc:
        raise AccountsError(_("Store ids must be integers")) from exc


def clean_markets(markets: Iterable[str]) -> list[str]:
    codes = sorted({m.strip().upper() for m in markets if m and m.strip()})
    unknown = [c for c in codes if c not in countries]
    if unknown:
        raise AccountsError(_("Unknown country code: %(codes)s") % {"codes": ", ".join(unknown)})
    return codes


def email_mark_verified(*, user: User) -> None:
    """Record the user's address as verified and primary (allauth refuses unverified logins).

    Only for addresses proven another way: an invitation or reset link that reached them, or an
    address given by whoever runs the server (commands, demo data).
    """
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
