"""API keys and the developer API's access/refresh tokens: issue, refresh, check, revoke."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.core.api_scopes import ALL_SCOPES
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ratelimit import window_take

from ..exceptions import (
    AccountsError,
    InvalidCredentials,
    InvalidRefreshToken,
    PermissionDenied,
    RateLimited,
)
from ..models import (
    ApiKey,
    ApiToken,
    Membership,
    MerchantAccount,
    User,
)
from .common import sha256_hex


def apikey_scopes_clean(scopes: Iterable[str] | None) -> list[str]:
    """The scopes a new key gets, in ``ApiScope`` order: every scope when ``scopes`` is None;
    AccountsError for an unknown scope or an empty choice."""
    if scopes is None:
        return list(ALL_SCOPES)
    chosen = {str(scope).strip() for scope in scopes}
    unknown = sorted(chosen - set(ALL_SCOPES))
    if unknown:
        raise AccountsError(_("Unknown API key scope: %(scopes)s") % {"scopes": ", ".join(unknown)})
    if not chosen:
        raise AccountsError(_("Choose at least one scope for the key"))
    return [scope for scope in ALL_SCOPES if scope in chosen]


def apikey_creator_check(*, merchant: MerchantAccount, actor: User | None) -> None:
    """Only the account's owner and admins create keys (``actor`` None: the system, e.g. the
    demo loader). Anyone else gets PermissionDenied saying so."""
    if actor is None:
        return
    membership = Membership.objects.filter(merchant=merchant, user=actor).first()
    if membership is None or not membership.is_manager:
        raise PermissionDenied(_("Only the account owner or an admin can create API keys"))


@transaction.atomic
def apikey_create(
    *,
    merchant: MerchantAccount,
    actor: User | None,
    name: str,
    scopes: Iterable[str] | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiKey, str]:
    """Create a key ``<accountNumber>@api@<32 hex>``; return it and its plaintext (shown once).

    ``scopes`` (``core.api_scopes.ApiScope`` values) limit what its tokens may call; None gives
    every scope. Only the owner and admins of ``merchant`` may create one (``actor``).
    """
    apikey_creator_check(merchant=merchant, actor=actor)
    name = name.strip() or "API key"
    if len(name) > 100:
        raise AccountsError(_("Key name is too long (100 characters at most)"))
    chosen = apikey_scopes_clean(scopes)
    plaintext = f"{merchant.account_number}@api@{secrets.token_hex(16)}"
    api_key = ApiKey.objects.create(
        merchant=merchant,
        name=name,
        scopes=chosen,
        key_hash=sha256_hex(plaintext),
        key_hint=plaintext[-4:],
        created_by=actor,
    )
    audit_record(
        action=AuditAction.APIKEY_CREATED,
        actor=actor,
        actor_label="" if actor else "system",
        merchant=merchant,
        target=api_key,
        details={"scopes": chosen},
        request=request,
    )
    return api_key, plaintext


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, actor: User, request: HttpRequest | None = None) -> ApiKey:
    """Revoke a key and every token issued from it."""
    api_key = ApiKey.objects.select_for_update(of=("self",), no_key=True).get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise AccountsError(_("This key is already revoked"))
    now = timezone.now()
    api_key.revoked_at = now
    api_key.revoked_by = actor
    api_key.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    revoked_tokens = ApiToken.objects.filter(api_key=api_key, revoked_at__isnull=True).update(
        revoked_at=now
    )
    audit_record(
        action=AuditAction.APIKEY_REVOKED,
        actor=actor,
        merchant=api_key.merchant,
        target=api_key,
        details={"tokens_revoked": revoked_tokens},
        request=request,
    )
    return api_key


def _token_limit(*, key: str, limit: int, window_seconds: int, message: str) -> None:
    """Count one call in a rolling window, or RateLimited (1600200) saying when to retry."""
    if not settings.DROPYARD_API_RATE_LIMITS_ENABLED:
        return
    decision = window_take(key=key, limit=limit, window_seconds=window_seconds)
    if not decision.allowed:
        raise RateLimited(f"{message}; retry in {decision.retry_after} s", decision=decision)


def _token_pair_create(
    *, merchant: MerchantAccount, api_key: ApiKey | None, user: User | None
) -> tuple[ApiToken, str, str]:
    now = timezone.now()
    access, refresh = secrets.token_hex(16), secrets.token_hex(16)
    token = ApiToken.objects.create(
        merchant=merchant,
        api_key=api_key,
        user=user,
        access_hash=sha256_hex(access),
        refresh_hash=sha256_hex(refresh),
        access_expires_at=now + timedelta(days=settings.DROPYARD_ACCESS_TOKEN_DAYS),
        refresh_expires_at=now + timedelta(days=settings.DROPYARD_REFRESH_TOKEN_DAYS),
    )
    return token, access, refresh


def _resolve_credentials(
    *, api_key: str | None, email: str | None, password: str | None
) -> tuple[MerchantAccount, ApiKey, User | None]:
    """Check one of the accepted credential forms (contract §1.2) and return who they are.

    Every form is an API key: ``{apiKey}``, legacy ``{email, apiKey}`` and legacy
    ``{email, password}`` where CJ's older clients put the API key in ``password``. An account
    password never opens the API (it would bypass two-factor login and invite brute force). With
    an email, it must be an active member of the key's account; the token then belongs to them.
    """
    key_text = api_key or (password if email else None)
    if not key_text:
        raise InvalidCredentials("Invalid API key")
    key_obj = (
        ApiKey.objects.select_related("merchant")
        .filter(key_hash=sha256_hex(key_text), revoked_at__isnull=True)
        .first()
    )
    if key_obj is None:
        raise InvalidCredentials("Invalid API key" if api_key else "Invalid email or password")
    user = None
    if email:
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None or not key_obj.merchant.members.filter(user=user).exists():
            raise InvalidCredentials("Invalid API key" if api_key else "Invalid email or password")
    return key_obj.merchant, key_obj, user


@transaction.atomic
def token_issue(
    *,
    api_key: str | None = None,
    email: str | None = None,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str, str]:
    """Exchange credentials for an access/refresh token pair (``getAccessToken``).

    Limited to once per ``DROPYARD_TOKEN_EXCHANGE_INTERVAL_SECONDS`` per account, a rolling
    window (1600200 with Retry-After until the last exchange is that old).
    Returns the token row and the plaintext access and refresh tokens (never stored).
    """
    merchant, key_obj, user = _resolve_credentials(api_key=api_key, email=email, password=password)
    _token_limit(
        key=f"token-issue:{merchant.pk}",
        limit=1,
        window_seconds=settings.DROPYARD_TOKEN_EXCHANGE_INTERVAL_SECONDS,
        message="Too many requests: getAccessToken is allowed once every 5 minutes",
    )
    token, access, refresh = _token_pair_create(merchant=merchant, api_key=key_obj, user=user)
    if key_obj is not None:
        ApiKey.objects.filter(pk=key_obj.pk).update(last_used_at=timezone.now())
    audit_record(
        action=AuditAction.TOKEN_ISSUED,
        actor=user,
        actor_label="" if user else f"api key …{key_obj.key_hint}" if key_obj else "",
        merchant=merchant,
        target=token,
        details={"via": "apiKey" if api_key else "email+password"},
        request=request,
    )
    return token, access, refresh


@transaction.atomic
def token_refresh(
    *, refresh_token: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Rotate the access token of the pair that owns ``refresh_token`` (``refreshAccessToken``).

    The old access token stops working; the refresh token and its expiry stay. Limited to
    ``DROPYARD_TOKEN_REFRESH_PER_MINUTE`` per account in any rolling minute.
    """
    now = timezone.now()
    token = (
        # Lock only the token row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("merchant", "api_key", "user")
        .filter(refresh_hash=sha256_hex(refresh_token or ""))
        .first()
    )
    if (
        token is None
        or token.revoked_at is not None
        or token.refresh_expires_at <= now
        or not _token_holders_still_allowed(token)
    ):
        raise InvalidRefreshToken("Invalid refresh token")
    _token_limit(
        key=f"token-refresh:{token.merchant_id}",
        limit=settings.DROPYARD_TOKEN_REFRESH_PER_MINUTE,
        window_seconds=60,
        message="Too many requests: refreshAccessToken is limited to 5 per minute",
    )
    access = secrets.token_hex(16)
    token.access_hash = sha256_hex(access)
    token.access_expires_at = now + timedelta(days=settings.DROPYARD_ACCESS_TOKEN_DAYS)
    token.last_refreshed_at = now
    token.save(
        update_fields=["access_hash", "access_expires_at", "last_refreshed_at", "updated_at"]
    )
    audit_record(
        action=AuditAction.TOKEN_REFRESHED,
        actor=token.user,
        merchant=token.merchant,
        target=token,
        request=request,
    )
    return token, access


def _token_holders_still_allowed(token: ApiToken) -> bool:
    """The key is live and, for a token issued to a person, they are active and still a member."""
    if token.api_key is not None and token.api_key.revoked_at is not None:
        return False
    user = token.user  # None without a query when the token was issued to no person
    if user is None:
        return True
    return (
        user.is_active
        and Membership.objects.filter(merchant_id=token.merchant_id, user_id=user.pk).exists()
    )


def token_authenticate(*, access_token: str) -> ApiToken:
    """The live token row for ``access_token`` or InvalidCredentials (1600001)."""
    token = (
        ApiToken.objects.select_related("merchant", "api_key", "user")
        .filter(access_hash=sha256_hex(access_token))
        .first()
    )
    if (
        token is None
        or token.revoked_at is not None
        or token.access_expires_at <= timezone.now()
        or not _token_holders_still_allowed(token)
    ):
        raise InvalidCredentials("Invalid access token")
    return token


@transaction.atomic
def token_revoke(
    *, token: ApiToken, actor: User | None = None, request: HttpRequest | None = None
) -> ApiToken:
    """Revoke both tokens of the pair (``logout``, or from the dashboard)."""
    token = ApiToken.objects.select_for_update(of=("self",), no_key=True).get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            action=AuditAction.TOKEN_REVOKED,
            actor=actor or token.user,
            merchant=token.merchant,
            target=token,
            request=request,
        )
    return token
