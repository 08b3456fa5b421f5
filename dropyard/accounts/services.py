"""Accounts services: the only code that writes users, merchants, members, keys, tokens, suppliers.

Each service is keyword-only, atomic, writes its audit event in the same transaction and
schedules side effects (email) on commit.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ratelimit import ratelimit_hit

from .choices import (
    ALL_AREAS,
    InvitationStatus,
    MemberRole,
    OperatorRole,
    SupplierApplicationStatus,
)
from .exceptions import (
    AccountsError,
    InvalidCredentials,
    InvalidRefreshToken,
    InvitationInvalid,
    OwnerProtected,
    PermissionDenied,
    RateLimited,
)
from .models import (
    ApiKey,
    ApiToken,
    Invitation,
    Membership,
    MerchantAccount,
    Supplier,
    SupplierApplication,
    User,
)
from .validators import validate_document_upload

INVITATION_DAYS = 7


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _clean_areas(permissions: Iterable[str]) -> list[str]:
    perms = sorted(set(permissions))
    unknown = [p for p in perms if p not in ALL_AREAS]
    if unknown:
        raise AccountsError(f"Unknown permission area: {', '.join(unknown)}")
    return perms


def _clean_store_ids(store_ids: Iterable[Any]) -> list[int]:
    try:
        return sorted({int(s) for s in store_ids})
    except (TypeError, ValueError) as exc:
        raise AccountsError("Store ids must be integers") from exc


def _clean_markets(markets: Iterable[str]) -> list[str]:
    codes = sorted({m.strip().upper() for m in markets if m and m.strip()})
    unknown = [c for c in codes if c not in countries]
    if unknown:
        raise AccountsError(f"Unknown country code: {', '.join(unknown)}")
    return codes


def email_mark_verified(*, user: User) -> None:
    """Record the user's address as verified and primary (allauth refuses unverified logins).

    Only for addresses proven another way: an invitation or reset link that reached them, or an
    address given by whoever runs the server (commands, demo data).
    """
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- Merchant accounts ------------------------------------------------------------------------


def _new_account_number() -> str:
    while True:
        number = f"DY{secrets.randbelow(90_000_000) + 10_000_000}"
        if not MerchantAccount.objects.filter(account_number=number).exists():
            return number


def _new_open_id() -> int:
    while True:
        open_id = secrets.randbelow(9 * 10**17) + 10**17  # 18 digits, fits a signed 64-bit Long
        if not MerchantAccount.objects.filter(open_id=open_id).exists():
            return open_id


@transaction.atomic
def merchant_account_create(
    *,
    owner: User,
    business_name: str,
    niche: str = "",
    target_markets: Iterable[str] = (),
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    request: HttpRequest | None = None,
) -> MerchantAccount:
    """Create a merchant account with ``owner`` as its single owner member."""
    business_name = business_name.strip()
    if not business_name:
        raise AccountsError("Business name is required")
    merchant = MerchantAccount.objects.create(
        account_number=_new_account_number(),
        open_id=_new_open_id(),
        business_name=business_name,
        niche=niche.strip(),
        target_markets=_clean_markets(target_markets),
        contact_name=contact_name.strip() or owner.full_name,
        contact_email=contact_email.strip() or owner.email,
        contact_phone=contact_phone.strip(),
    )
    Membership.objects.create(merchant=merchant, user=owner, role=MemberRole.OWNER)
    audit_record(
        action=AuditAction.MERCHANT_CREATED,
        actor=owner,
        merchant=merchant,
        target=merchant,
        request=request,
    )
    return merchant


PROFILE_FIELDS = ("business_name", "niche", "contact_name", "contact_email", "contact_phone")


@transaction.atomic
def merchant_profile_update(
    *, merchant: MerchantAccount, actor: User, request: HttpRequest | None = None, **fields: Any
) -> MerchantAccount:
    """Update the merchant profile (business name, niche, target markets, contact details)."""
    unknown = set(fields) - set(PROFILE_FIELDS) - {"target_markets"}
    if unknown:
        raise AccountsError(f"Unknown profile field: {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name in fields:
            value = (fields[name] or "").strip()
            if name == "business_name" and not value:
                raise AccountsError("Business name is required")
            if getattr(merchant, name) != value:
                changes[name] = value
    if "target_markets" in fields:
        markets = _clean_markets(fields["target_markets"])
        if markets != merchant.target_markets:
            changes["target_markets"] = markets
    if changes:
        for name, value in changes.items():
            setattr(merchant, name, value)
        merchant.save(update_fields=[*changes, "updated_at"])
        audit_record(
            action=AuditAction.MERCHANT_UPDATED,
            actor=actor,
            merchant=merchant,
            target=merchant,
            details={"fields": sorted(changes)},
            request=request,
        )
    return merchant


@transaction.atomic
def merchant_agent_assign(
    *, merchant: MerchantAccount, agent: User | None, actor: User
) -> MerchantAccount:
    """Assign (or clear) the merchant's personal agent. The agent must have the agent role."""
    if agent is not None and agent.operator_role != OperatorRole.AGENT:
        raise AccountsError("The personal agent must be operator staff with the agent role")
    previous = merchant.agent
    merchant.agent = agent
    merchant.save(update_fields=["agent", "updated_at"])
    audit_record(
        action=AuditAction.AGENT_ASSIGNED,
        actor=actor,
        merchant=merchant,
        target=merchant,
        details={
            "from": previous.email if previous else None,
            "to": agent.email if agent else None,
        },
    )
    return merchant


# --- Members and invitations ------------------------------------------------------------------


def _require_manager(*, merchant: MerchantAccount, actor: User) -> Membership:
    """The actor must be owner/admin, or staff with the settings area, of this merchant."""
    membership = Membership.objects.filter(merchant=merchant, user=actor).first()
    if membership is None or not membership.has_area("settings"):
        raise PermissionDenied("You do not have permission to manage this team")
    return membership


def _grantable_areas(*, actor_membership: Membership, permissions: Iterable[str]) -> list[str]:
    """Clean ``permissions``; staff (not owner/admin) may grant only areas they have themselves."""
    areas = _clean_areas(permissions)
    if not actor_membership.is_manager:
        beyond = sorted(set(areas) - actor_membership.areas)
        if beyond:
            raise PermissionDenied(
                f"You can only grant permission areas you have yourself (not: {', '.join(beyond)})"
            )
    return areas


def _grantable_stores(*, actor_membership: Membership, store_ids: Iterable[Any]) -> list[int]:
    """Clean ``store_ids``; staff limited to some stores may grant only a subset of those.

    An empty list means every store, so a store-limited actor may not grant it.
    """
    stores = _clean_store_ids(store_ids)
    limited = not actor_membership.is_manager and actor_membership.store_ids
    if limited and (not stores or not set(stores) <= set(actor_membership.store_ids)):
        raise PermissionDenied("You can only grant access to stores you can access yourself")
    return stores


def _require_within_reach(*, actor_membership: Membership, target: Membership) -> None:
    """Staff (not owner/admin) may act only on members whose areas they hold themselves."""
    if actor_membership.is_manager:
        return
    beyond = sorted(target.areas - actor_membership.areas)
    if beyond:
        raise PermissionDenied(
            f"This member has permission areas you do not have ({', '.join(beyond)})"
        )


def _invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:invitation_accept', args=[token])}"


@transaction.atomic
def member_invite(
    *,
    merchant: MerchantAccount,
    actor: User,
    email: str,
    role: str = MemberRole.STAFF,
    permissions: Iterable[str] = (),
    store_ids: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to the merchant; return the invitation and its one-time token.

    The token is emailed on commit and stored only hashed. Owners cannot be invited; only an
    owner or admin may invite an admin; staff grant only areas they have themselves.
    """
    actor_membership = _require_manager(merchant=merchant, actor=actor)
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise AccountsError("Enter a valid email address")
    if role not in (MemberRole.ADMIN, MemberRole.STAFF):
        raise AccountsError("Invitations are for admins or staff")
    if role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied("Only the owner or an admin can invite an admin")
    if Membership.objects.filter(merchant=merchant, user__email=email).exists():
        raise AccountsError(f"{email} is already a member of this account")
    if User.objects.filter(email=email).exclude(operator_role="").exists():
        raise AccountsError(f"{email} is operator staff and cannot join a merchant account")
    # An expired invitation no longer blocks a new one to the same person.
    Invitation.objects.filter(
        merchant=merchant,
        email=email,
        status=InvitationStatus.PENDING,
        expires_at__lte=timezone.now(),
    ).update(status=InvitationStatus.REVOKED)
    if Invitation.objects.filter(
        merchant=merchant, email=email, status=InvitationStatus.PENDING
    ).exists():
        raise AccountsError(f"{email} already has a pending invitation")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        merchant=merchant,
        email=email,
        role=role,
        permissions=[]
        if role == MemberRole.ADMIN
        else _grantable_areas(actor_membership=actor_membership, permissions=permissions),
        store_ids=_grantable_stores(actor_membership=actor_membership, store_ids=store_ids),
        token_hash=sha256_hex(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        action=AuditAction.MEMBER_INVITED,
        actor=actor,
        merchant=merchant,
        target=invitation,
        target_label=email,
        details={"role": role, "permissions": invitation.permissions},
        request=request,
    )
    url = _invitation_url(token)
    subject = f"You are invited to join {merchant.business_name} on Dropyard"
    body = (
        f"{actor.display_name} invited you to join {merchant.business_name} on Dropyard as "
        f"{invitation.get_role_display().lower()}.\n\nAccept the invitation: {url}\n\n"
        f"The link expires in {INVITATION_DAYS} days."
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, token


def invitation_get_by_token(*, token: str) -> Invitation:
    """The pending, unexpired invitation for ``token``, or InvitationInvalid."""
    invitation = (
        Invitation.objects.select_related("merchant", "invited_by")
        .filter(token_hash=sha256_hex(token))
        .first()
    )
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid("This invitation is not valid any more")
    if invitation.is_expired:
        raise InvitationInvalid("This invitation has expired; ask for a new one")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, request: HttpRequest | None = None) -> Membership:
    """Accept the invitation as ``user`` (whose email must match) and create the membership."""
    invitation = invitation_get_by_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid("This invitation is not valid any more")
    if user.operator_role:
        raise AccountsError("Operator staff cannot join a merchant account")
    if user.email.lower() != invitation.email.lower():
        raise InvitationInvalid(
            f"This invitation was sent to {invitation.email}; log in with that address"
        )
    if Membership.objects.filter(merchant=invitation.merchant, user=user).exists():
        raise AccountsError("You are already a member of this account")
    membership = Membership.objects.create(
        merchant=invitation.merchant,
        user=user,
        role=invitation.role,
        permissions=invitation.permissions,
        store_ids=invitation.store_ids,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    audit_record(
        action=AuditAction.MEMBER_JOINED,
        actor=user,
        merchant=invitation.merchant,
        target=membership,
        target_label=user.email,
        details={"role": membership.role, "permissions": membership.permissions},
        request=request,
    )
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *, token: str, full_name: str, password: str, request: HttpRequest | None = None
) -> Membership:
    """Create the login of an invited person who has none yet, then accept the invitation.

    The emailed link proves the address, so it is stored verified and primary. Refused when a user
    with the invited email already exists (they log in and accept instead); the password must pass
    the configured validators. User and membership are created together or not at all.
    """
    invitation = invitation_get_by_token(token=token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise AccountsError(f"{invitation.email} already has a login; log in to accept")
    full_name = full_name.strip()
    candidate = User(email=invitation.email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise AccountsError(" ".join(exc.messages)) from exc
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    email_mark_verified(user=user)
    audit_record(
        action=AuditAction.SIGNUP,
        actor=user,
        merchant=invitation.merchant,
        details={"via": "invitation"},
        request=request,
    )
    return invitation_accept(token=token, user=user, request=request)


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User, request: HttpRequest | None = None
) -> Invitation:
    """Revoke a pending invitation so its link stops working."""
    actor_membership = _require_manager(merchant=invitation.merchant, actor=actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise AccountsError("Only pending invitations can be revoked")
    if invitation.role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied("Only the owner or an admin can revoke an admin invitation")
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.INVITATION_REVOKED,
        actor=actor,
        merchant=invitation.merchant,
        target=invitation,
        target_label=invitation.email,
        request=request,
    )
    return invitation


@transaction.atomic
def member_update(
    *,
    membership: Membership,
    actor: User,
    role: str,
    permissions: Iterable[str] = (),
    store_ids: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> Membership:
    """Change a member's role, permission areas and store scope.

    The owner's role cannot change; only the owner or an admin may grant or change the admin role;
    nobody edits their own permissions, and staff grant only areas they have (no escalation).
    """
    actor_membership = _require_manager(merchant=membership.merchant, actor=actor)
    if membership.role == MemberRole.OWNER:
        raise OwnerProtected("The owner's role cannot be changed")
    if membership.user_id == actor.pk:
        raise PermissionDenied("You cannot change your own role or permissions")
    if role not in (MemberRole.ADMIN, MemberRole.STAFF):
        raise AccountsError("Role must be admin or staff")
    if MemberRole.ADMIN in (role, membership.role) and not actor_membership.is_manager:
        raise PermissionDenied("Only the owner or an admin can change admins")
    _require_within_reach(actor_membership=actor_membership, target=membership)
    # Clean everything before touching the instance, so a refusal leaves it as it was.
    new_permissions = (
        []
        if role == MemberRole.ADMIN
        else _grantable_areas(actor_membership=actor_membership, permissions=permissions)
    )
    new_store_ids = _grantable_stores(actor_membership=actor_membership, store_ids=store_ids)
    before = {
        "role": membership.role,
        "permissions": membership.permissions,
        "store_ids": membership.store_ids,
    }
    membership.role = role
    membership.permissions = new_permissions
    membership.store_ids = new_store_ids
    membership.save(update_fields=["role", "permissions", "store_ids", "updated_at"])
    after = {
        "role": membership.role,
        "permissions": membership.permissions,
        "store_ids": membership.store_ids,
    }
    audit_record(
        action=AuditAction.MEMBER_UPDATED,
        actor=actor,
        merchant=membership.merchant,
        target=membership,
        target_label=membership.user.email,
        details={"before": before, "after": after},
        request=request,
    )
    return membership


@transaction.atomic
def member_remove(
    *, membership: Membership, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove a member and revoke the API tokens issued to them. The owner cannot be removed;
    staff remove only non-admins whose areas they hold themselves."""
    actor_membership = _require_manager(merchant=membership.merchant, actor=actor)
    if membership.role == MemberRole.OWNER:
        raise OwnerProtected("The owner cannot be removed")
    if membership.role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied("Only the owner or an admin can remove an admin")
    _require_within_reach(actor_membership=actor_membership, target=membership)
    # API tokens issued to the person end with their membership (the account's keys stay).
    tokens_revoked = ApiToken.objects.filter(
        merchant=membership.merchant, user=membership.user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit_record(
        action=AuditAction.MEMBER_REMOVED,
        actor=actor,
        merchant=membership.merchant,
        target=membership,
        target_label=membership.user.email,
        details={"role": membership.role, "tokens_revoked": tokens_revoked},
        request=request,
    )
    membership.delete()


# --- Operators --------------------------------------------------------------------------------


@transaction.atomic
def operator_create(
    *,
    email: str,
    role: str,
    actor: User | None,
    full_name: str = "",
    password: str | None = None,
) -> User:
    """Create operator staff with ``role`` (or give an existing non-merchant user that role).

    Without a password the account gets an unusable one and logs in after a password reset; as
    the emailed reset link is then the only way in, the address is stored verified. An existing
    non-staff login given the role without a password loses its old password the same way.
    Admins also get Django admin access (read-only for stateful models). Nobody changes their
    own role here.
    """
    if role not in OperatorRole.values:
        raise AccountsError(
            f"Unknown operator role {role!r}; use one of {', '.join(OperatorRole.values)}"
        )
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise AccountsError("Enter a valid email address")
    user = User.objects.filter(email=email).first()
    if user is not None and actor is not None and user.pk == actor.pk:
        raise PermissionDenied("You cannot change your own operator role")
    if user is not None and user.memberships.exists():
        raise AccountsError(f"{email} belongs to a merchant account and cannot be operator staff")
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        if password is None:
            email_mark_verified(user=user)
    elif password:
        user.set_password(password)
    elif not user.operator_role:
        # An existing login becoming staff must prove control of the address through the emailed
        # reset link: whoever registered the address (maybe not the new hire) loses the password
        # they chose, and their sessions end with it.
        user.set_unusable_password()
    previous = user.operator_role
    user.operator_role = role
    user.is_staff = role == OperatorRole.ADMIN
    if full_name:
        user.full_name = full_name
    user.save()
    audit_record(
        action=AuditAction.OPERATOR_CREATED
        if created or not previous
        else AuditAction.OPERATOR_ROLE_CHANGED,
        actor=actor,
        actor_label="" if actor else "system",
        target=user,
        details={"role": role, "previous_role": previous},
    )
    return user


@transaction.atomic
def operator_role_set(*, user: User, role: str, actor: User) -> User:
    """Change an operator's role ('' removes operator access). Nobody changes their own role."""
    if user.pk == actor.pk:
        raise PermissionDenied("You cannot change your own operator role")
    if role and role not in OperatorRole.values:
        raise AccountsError(f"Unknown operator role {role!r}")
    if not user.operator_role:
        raise AccountsError("That user is not operator staff")
    previous = user.operator_role
    user.operator_role = role
    user.is_staff = role == OperatorRole.ADMIN
    user.save(update_fields=["operator_role", "is_staff"])
    if previous == OperatorRole.AGENT and role != OperatorRole.AGENT:
        MerchantAccount.objects.filter(agent=user).update(agent=None)
    audit_record(
        action=AuditAction.OPERATOR_ROLE_CHANGED,
        actor=actor,
        target=user,
        details={"role": role, "previous_role": previous},
    )
    return user


# --- API keys and tokens ----------------------------------------------------------------------


@transaction.atomic
def apikey_create(
    *, merchant: MerchantAccount, actor: User | None, name: str, request: HttpRequest | None = None
) -> tuple[ApiKey, str]:
    """Create a key ``<accountNumber>@api@<32 hex>``; return it and its plaintext (shown once)."""
    name = name.strip() or "API key"
    if len(name) > 100:
        raise AccountsError("Key name is too long (100 characters at most)")
    plaintext = f"{merchant.account_number}@api@{secrets.token_hex(16)}"
    api_key = ApiKey.objects.create(
        merchant=merchant,
        name=name,
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
        request=request,
    )
    return api_key, plaintext


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, actor: User, request: HttpRequest | None = None) -> ApiKey:
    """Revoke a key and every token issued from it."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise AccountsError("This key is already revoked")
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

    Limited to once per ``DROPYARD_TOKEN_EXCHANGE_INTERVAL_SECONDS`` per account (1600200).
    Returns the token row and the plaintext access and refresh tokens (never stored).
    """
    merchant, key_obj, user = _resolve_credentials(api_key=api_key, email=email, password=password)
    if settings.DROPYARD_API_RATE_LIMITS_ENABLED and not ratelimit_hit(
        key=f"token-issue:{merchant.pk}",
        limit=1,
        window_seconds=settings.DROPYARD_TOKEN_EXCHANGE_INTERVAL_SECONDS,
    ):
        raise RateLimited("Too many requests: getAccessToken is allowed once every 5 minutes")
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
    ``DROPYARD_TOKEN_REFRESH_PER_MINUTE`` per account.
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
    if settings.DROPYARD_API_RATE_LIMITS_ENABLED and not ratelimit_hit(
        key=f"token-refresh:{token.merchant_id}",
        limit=settings.DROPYARD_TOKEN_REFRESH_PER_MINUTE,
        window_seconds=60,
    ):
        raise RateLimited("Too many requests: refreshAccessToken is limited to 5 per minute")
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
    if token.user_id is None:
        return True
    return (
        token.user.is_active
        and Membership.objects.filter(merchant_id=token.merchant_id, user_id=token.user_id).exists()
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
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
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


# --- Suppliers --------------------------------------------------------------------------------


@transaction.atomic
def supplier_application_submit(
    *,
    applicant: User,
    company_name: str,
    country: str,
    address: str,
    contact_phone: str,
    legal_representative: str,
    business_licence: UploadedFile,
    legal_rep_id: UploadedFile,
    website: str = "",
    product_categories: str = "",
    request: HttpRequest | None = None,
) -> SupplierApplication:
    """Submit a supplier application with its two documents (type and size checked).

    Refused while the applicant has a pending application or is already a supplier.
    """
    if Supplier.objects.filter(user=applicant).exists():
        raise AccountsError("You are already an approved supplier")
    if SupplierApplication.objects.filter(
        applicant=applicant, status=SupplierApplicationStatus.PENDING
    ).exists():
        raise AccountsError("You already have an application waiting for review")
    country = country.strip().upper()
    if country not in countries:
        raise AccountsError(f"Unknown country code: {country}")
    required = {
        "company name": company_name,
        "address": address,
        "contact phone": contact_phone,
        "legal representative": legal_representative,
    }
    missing = [label for label, value in required.items() if not (value or "").strip()]
    if missing:
        raise AccountsError(f"Required: {', '.join(missing)}")
    validate_document_upload(business_licence, label="Business licence")
    validate_document_upload(legal_rep_id, label="Legal representative ID")
    try:
        with transaction.atomic():
            application = SupplierApplication.objects.create(
                applicant=applicant,
                company_name=company_name.strip(),
                country=country,
                address=address.strip(),
                contact_phone=contact_phone.strip(),
                legal_representative=legal_representative.strip(),
                website=website.strip(),
                product_categories=product_categories.strip(),
                business_licence=business_licence,
                legal_rep_id=legal_rep_id,
            )
    except IntegrityError as exc:
        raise AccountsError("You already have an application waiting for review") from exc
    audit_record(
        action=AuditAction.SUPPLIER_APPLIED,
        actor=applicant,
        target=application,
        request=request,
    )
    return application


def _lock_pending_application(
    application: SupplierApplication, *, actor: User
) -> SupplierApplication:
    application = SupplierApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != SupplierApplicationStatus.PENDING:
        raise AccountsError("This application has already been reviewed")
    if application.applicant_id == actor.pk:
        raise PermissionDenied("You cannot review your own application")
    return application


def _notify_applicant(application: SupplierApplication, subject: str, body: str) -> None:
    email = application.applicant.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


@transaction.atomic
def supplier_application_approve(
    *, application: SupplierApplication, actor: User, request: HttpRequest | None = None
) -> Supplier:
    """Approve a pending application and create the Supplier. Nobody reviews their own."""
    application = _lock_pending_application(application, actor=actor)
    application.status = SupplierApplicationStatus.APPROVED
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    supplier = Supplier.objects.create(
        user=application.applicant,
        application=application,
        company_name=application.company_name,
        country=application.country,
    )
    audit_record(
        action=AuditAction.SUPPLIER_APPROVED,
        actor=actor,
        target=application,
        request=request,
    )
    _notify_applicant(
        application,
        "Your Dropyard supplier application was approved",
        f"{application.company_name} is now an approved supplier on Dropyard.",
    )
    return supplier


@transaction.atomic
def supplier_application_reject(
    *,
    application: SupplierApplication,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
) -> SupplierApplication:
    """Reject a pending application with a reason the applicant will see.

    Nobody reviews their own application.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AccountsError("A reason is required to reject an application")
    application = _lock_pending_application(application, actor=actor)
    application.status = SupplierApplicationStatus.REJECTED
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.rejection_reason = reason
    application.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    audit_record(
        action=AuditAction.SUPPLIER_REJECTED,
        actor=actor,
        target=application,
        details={"reason": reason},
        request=request,
    )
    _notify_applicant(
        application,
        "Your Dropyard supplier application was not approved",
        f"Reason: {reason}\n\nYou may correct the application and submit it again.",
    )
    return application
