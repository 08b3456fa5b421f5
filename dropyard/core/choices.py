"""Enumerations owned by core."""

from django.db import models


class AuditAction(models.TextChoices):
    """Every sensitive write that lands in the audit log."""

    LOGIN = "auth.login", "Logged in"
    LOGIN_FAILED = "auth.login_failed", "Failed login"
    LOGOUT = "auth.logout", "Logged out"
    SIGNUP = "auth.signup", "Signed up"
    PASSWORD_CHANGED = "auth.password_changed", "Password changed"
    PASSWORD_RESET = "auth.password_reset", "Password reset"
    MFA_ENABLED = "auth.mfa_enabled", "Two-factor enabled"
    MFA_DISABLED = "auth.mfa_disabled", "Two-factor disabled"
    MERCHANT_CREATED = "merchant.created", "Merchant account created"
    MERCHANT_UPDATED = "merchant.updated", "Merchant profile updated"
    AGENT_ASSIGNED = "merchant.agent_assigned", "Personal agent assigned"
    MEMBER_INVITED = "member.invited", "Member invited"
    INVITATION_REVOKED = "member.invitation_revoked", "Invitation revoked"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_UPDATED = "member.updated", "Member role or permissions changed"
    MEMBER_REMOVED = "member.removed", "Member removed"
    OPERATOR_CREATED = "operator.created", "Operator staff created"
    OPERATOR_ROLE_CHANGED = "operator.role_changed", "Operator role changed"
    APIKEY_CREATED = "apikey.created", "API key created"
    APIKEY_REVOKED = "apikey.revoked", "API key revoked"
    TOKEN_ISSUED = "token.issued", "API access token issued"
    TOKEN_REFRESHED = "token.refreshed", "API access token refreshed"
    TOKEN_REVOKED = "token.revoked", "API tokens revoked"
    SUPPLIER_APPLIED = "supplier.applied", "Supplier application submitted"
    SUPPLIER_APPROVED = "supplier.approved", "Supplier application approved"
    SUPPLIER_REJECTED = "supplier.rejected", "Supplier application rejected"
    JOB_STARTED = "job.started", "Background job started"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
