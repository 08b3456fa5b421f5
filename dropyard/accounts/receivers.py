"""Audit receivers for Django's and allauth's own auth signals (not domain behaviour)."""

from allauth.account.signals import password_changed, password_reset, user_signed_up
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .models import User


def _merchant_of(user):
    membership = user.memberships.select_related("merchant").order_by("created_at").first()
    return membership.merchant if membership else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, merchant=_merchant_of(user), request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=AuditAction.LOGOUT, actor=user, merchant=_merchant_of(user), request=request
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = User.objects.filter(email=email).first() if email else None
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_label=email or "(no email)",
        merchant=_merchant_of(user) if user else None,
        details={"known_user": user is not None},
        request=request,
    )


@receiver(user_signed_up)
def _signed_up(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.SIGNUP, actor=user, merchant=_merchant_of(user), request=request
    )


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.PASSWORD_CHANGED,
        actor=user,
        merchant=_merchant_of(user),
        request=request,
    )


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.PASSWORD_RESET, actor=user, merchant=_merchant_of(user), request=request
    )


@receiver(authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=AuditAction.MFA_ENABLED,
        actor=user,
        merchant=_merchant_of(user),
        details={"type": authenticator.type},
        request=request,
    )


@receiver(authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=AuditAction.MFA_DISABLED,
        actor=user,
        merchant=_merchant_of(user),
        details={"type": authenticator.type},
        request=request,
    )
