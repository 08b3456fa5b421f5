"""Members of a merchant account and invitations: invite, accept, revoke, update, remove."""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.mail import branded_mail_on_commit

from ..choices import (
    InvitationStatus,
    MemberRole,
)
from ..exceptions import (
    AccountsError,
    InvitationInvalid,
    OwnerProtected,
    PermissionDenied,
)
from ..models import (
    ApiToken,
    Invitation,
    Membership,
    MerchantAccount,
    User,
)
from .common import clean_areas, clean_store_ids, email_mark_verified, sha256_hex

INVITATION_DAYS = 7


# --- Members and invitations ------------------------------------------------------------------


def _require_manager(*, merchant: MerchantAccount, actor: User) -> Membership:
    """The actor must be owner/admin, or staff with the settings area, of this merchant."""
    membership = Membership.objects.filter(merchant=merchant, user=actor).first()
    if membership is None or not membership.has_area("settings"):
        raise PermissionDenied(_("You do not have permission to manage this team"))
    return membership


def _grantable_areas(*, actor_membership: Membership, permissions: Iterable[str]) -> list[str]:
    """Clean ``permissions``; staff (not owner/admin) may grant only areas they have themselves."""
    areas = clean_areas(permissions)
    if not actor_membership.is_manager:
        beyond = sorted(set(areas) - actor_membership.areas)
        if beyond:
            raise PermissionDenied(
                _("You can only grant permission areas you have yourself (not: %(areas)s)")
                % {"areas": ", ".join(beyond)}
            )
    return areas


def _grantable_stores(*, actor_membership: Membership, store_ids: Iterable[Any]) -> list[int]:
    """Clean ``store_ids``; staff limited to some stores may grant only a subset of those.

    An empty list means every store, so a store-limited actor may not grant it.
    """
    stores = clean_store_ids(store_ids)
    limited = not actor_membership.is_manager and actor_membership.store_ids
    if limited and (not stores or not set(stores) <= set(actor_membership.store_ids)):
        raise PermissionDenied(_("You can only grant access to stores you can access yourself"))
    return stores


def _require_within_reach(*, actor_membership: Membership, target: Membership) -> None:
    """Staff (not owner/admin) may act only on members whose areas they hold themselves."""
    if actor_membership.is_manager:
        return
    beyond = sorted(target.areas - actor_membership.areas)
    if beyond:
        raise PermissionDenied(
            _("This member has permission areas you do not have (%(areas)s)")
            % {"areas": ", ".join(beyond)}
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
        raise AccountsError(_("Enter a valid email address"))
    if role not in (MemberRole.ADMIN, MemberRole.STAFF):
        raise AccountsError(_("Invitations are for admins or staff"))
    if role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied(_("Only the owner or an admin can invite an admin"))
    if Membership.objects.filter(merchant=merchant, user__email=email).exists():
        raise AccountsError(_("%(email)s is already a member of this account") % {"email": email})
    if User.objects.filter(email=email).exclude(operator_role="").exists():
        raise AccountsError(
            _("%(email)s is operator staff and cannot join a merchant account") % {"email": email}
        )
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
        raise AccountsError(_("%(email)s already has a pending invitation") % {"email": email})
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
    site = settings.DROPYARD_SITE_NAME
    body = (
        f"{actor.display_name} invited you to join {merchant.business_name} on {site} as "
        f"{invitation.get_role_display().lower()}.\n\nAccept the invitation: {url}\n\n"
        f"The link expires in {INVITATION_DAYS} days."
    )
    branded_mail_on_commit(
        subject=f"You are invited to join {merchant.business_name}",
        text=body,
        to=[email],
        action_url=url,
        action_label="Accept the invitation",
    )
    return invitation, token


def invitation_get_by_token(*, token: str) -> Invitation:
    """The pending, unexpired invitation for ``token``, or InvitationInvalid."""
    invitation = (
        Invitation.objects.select_related("merchant", "invited_by")
        .filter(token_hash=sha256_hex(token))
        .first()
    )
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(_("This invitation is not valid any more"))
    if invitation.is_expired:
        raise InvitationInvalid(_("This invitation has expired; ask for a new one"))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, request: HttpRequest | None = None) -> Membership:
    """Accept the invitation as ``user`` (whose email must match) and create the membership."""
    invitation = invitation_get_by_token(token=token)
    invitation = Invitation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=invitation.pk
    )
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(_("This invitation is not valid any more"))
    if user.operator_role:
        raise AccountsError(_("Operator staff cannot join a merchant account"))
    if user.email.lower() != invitation.email.lower():
        raise InvitationInvalid(
            _("This invitation was sent to %(email)s; log in with that address")
            % {"email": invitation.email}
        )
    if Membership.objects.filter(merchant=invitation.merchant, user=user).exists():
        raise AccountsError(_("You are already a member of this account"))
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
        raise AccountsError(
            _("%(email)s already has a login; log in to accept") % {"email": invitation.email}
        )
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
    invitation = Invitation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=invitation.pk
    )
    if invitation.status != InvitationStatus.PENDING:
        raise AccountsError(_("Only pending invitations can be revoked"))
    if invitation.role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied(_("Only the owner or an admin can revoke an admin invitation"))
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
        raise OwnerProtected(_("The owner's role cannot be changed"))
    if membership.user_id == actor.pk:
        raise PermissionDenied(_("You cannot change your own role or permissions"))
    if role not in (MemberRole.ADMIN, MemberRole.STAFF):
        raise AccountsError(_("Role must be admin or staff"))
    if MemberRole.ADMIN in (role, membership.role) and not actor_membership.is_manager:
        raise PermissionDenied(_("Only the owner or an admin can change admins"))
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
        raise OwnerProtected(_("The owner cannot be removed"))
    if membership.role == MemberRole.ADMIN and not actor_membership.is_manager:
        raise PermissionDenied(_("Only the owner or an admin can remove an admin"))
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
