"""Operator (platform) staff: create, change role."""

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from ..choices import (
    OperatorRole,
)
from ..exceptions import (
    AccountsError,
    PermissionDenied,
)
from ..models import (
    MerchantAccount,
    User,
)
from .common import email_mark_verified


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
            _("Unknown operator role %(role)r; use one of %(roles)s")
            % {"role": role, "roles": ", ".join(OperatorRole.values)}
        )
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise AccountsError(_("Enter a valid email address"))
    user = User.objects.filter(email=email).first()
    if user is not None and actor is not None and user.pk == actor.pk:
        raise PermissionDenied(_("You cannot change your own operator role"))
    if user is not None and user.memberships.exists():
        raise AccountsError(
            _("%(email)s belongs to a merchant account and cannot be operator staff")
            % {"email": email}
        )
    created = user is None
    if user is None:
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
        raise PermissionDenied(_("You cannot change your own operator role"))
    if role and role not in OperatorRole.values:
        raise AccountsError(_("Unknown operator role %(role)r") % {"role": role})
    if not user.operator_role:
        raise AccountsError(_("That user is not operator staff"))
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
