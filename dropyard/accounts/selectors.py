"""Accounts selectors: every read of merchant-scoped account data goes through here."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.core.errors import NotFound

from .choices import InvitationStatus, MemberRole, OperatorRole, SupplierApplicationStatus
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


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("merchant").order_by("created_at")


def membership_get_for(*, user: User, merchant_id: int | None) -> Membership | None:
    """The user's membership in ``merchant_id``, else their first membership, else None."""
    memberships = membership_list_for_user(user=user)
    if merchant_id is not None:
        found = memberships.filter(merchant_id=merchant_id).first()
        if found is not None:
            return found
    return memberships.first()


def token_store_scope(token: ApiToken) -> frozenset[int] | None:
    """The stores an API token may reach (``Membership.store_scope``). A token issued for an
    API key alone acts for the account: None (every store). A token issued to a member
    (``getAccessToken`` with an email) has that member's store scope, and no store at all once
    the membership is gone (authentication refuses such a token anyway)."""
    if token.user_id is None:
        return None
    found = Membership.objects.filter(merchant_id=token.merchant_id, user_id=token.user_id).first()
    return frozenset() if found is None else found.store_scope


def member_list(*, merchant: MerchantAccount) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(merchant=merchant)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def member_get(*, merchant: MerchantAccount, pk: int) -> Membership:
    found = member_list(merchant=merchant).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Member not found"))
    return found


def invitation_list(
    *, merchant: MerchantAccount, pending_only: bool = True
) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(merchant=merchant).select_related("invited_by")
    if pending_only:
        qs = qs.filter(status=InvitationStatus.PENDING)
    return qs.order_by("-created_at", "-pk")


def invitation_get(*, merchant: MerchantAccount, pk: int) -> Invitation:
    found = Invitation.objects.filter(merchant=merchant, pk=pk).first()
    if found is None:
        raise NotFound(_("Invitation not found"))
    return found


def apikey_list(*, merchant: MerchantAccount) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(merchant=merchant)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def apikey_get(*, merchant: MerchantAccount, pk: int) -> ApiKey:
    found = ApiKey.objects.filter(merchant=merchant, pk=pk).first()
    if found is None:
        raise NotFound(_("API key not found"))
    return found


def apitoken_list(*, merchant: MerchantAccount, active_only: bool = False) -> QuerySet[ApiToken]:
    """The merchant's API tokens, newest first; ``active_only``: unrevoked, refresh unexpired."""
    qs = ApiToken.objects.filter(merchant=merchant).select_related("api_key", "user")
    if active_only:
        qs = qs.filter(revoked_at__isnull=True, refresh_expires_at__gt=timezone.now())
    return qs.order_by("-created_at", "-pk")


def apitoken_get(*, merchant: MerchantAccount, pk: int) -> ApiToken:
    found = apitoken_list(merchant=merchant).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("API token not found"))
    return found


def merchant_list(*, search: str = "", agent: User | None = None) -> QuerySet[MerchantAccount]:
    """Merchant accounts for operator pages; ``agent`` limits to that agent's merchants.

    Each row carries ``member_count`` and ``owner_email``. ``search`` matches the business name,
    the account number or any member's email.
    """
    owner_email = Membership.objects.filter(merchant=OuterRef("pk"), role=MemberRole.OWNER).values(
        "user__email"
    )[:1]
    qs = MerchantAccount.objects.select_related("agent").annotate(
        member_count=Count("members", distinct=True), owner_email=Subquery(owner_email)
    )
    if agent is not None:
        qs = qs.filter(agent=agent)
    search = search.strip()
    if search:
        # A subquery, not a join: joining members again would multiply member_count.
        member_match = Membership.objects.filter(user__email__icontains=search).values(
            "merchant_id"
        )
        qs = qs.filter(
            Q(business_name__icontains=search)
            | Q(account_number__icontains=search)
            | Q(pk__in=member_match)
        )
    return qs.order_by("business_name", "pk")


def merchant_get(*, pk: int, agent: User | None = None) -> MerchantAccount:
    """One merchant account; with ``agent``, only one that agent looks after (else NotFound)."""
    qs = MerchantAccount.objects.select_related("agent")
    if agent is not None:
        qs = qs.filter(agent=agent)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Merchant account not found"))
    return found


def merchant_get_by_account_number(*, account_number: str) -> MerchantAccount:
    """The merchant account with exactly this account number; ``NotFound`` otherwise."""
    found = MerchantAccount.objects.filter(account_number=account_number).first()
    if found is None:
        raise NotFound(_("Merchant account not found"))
    return found


STAFF_ACTIVE, STAFF_NO_PASSWORD, STAFF_INACTIVE = "active", "no_password", "inactive"


def operator_list(*, role: str | None = None, search: str = "", status: str = "") -> QuerySet[User]:
    """Operator staff (a non-empty ``operator_role``) by role then email. ``search`` matches part
    of the email or name; ``status``: ``STAFF_ACTIVE`` (can sign in), ``STAFF_NO_PASSWORD``
    (active, has not set a password yet), ``STAFF_INACTIVE`` (account switched off)."""
    qs = User.objects.exclude(operator_role="")
    if role:
        qs = qs.filter(operator_role=role)
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    no_password = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if status == STAFF_ACTIVE:
        qs = qs.filter(is_active=True).exclude(no_password)
    elif status == STAFF_NO_PASSWORD:
        qs = qs.filter(no_password, is_active=True)
    elif status == STAFF_INACTIVE:
        qs = qs.filter(is_active=False)
    return qs.order_by("operator_role", "email")


def operator_get(*, pk: int) -> User:
    """One operator staff user (any role), else NotFound."""
    found = operator_list().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Operator not found"))
    return found


def agent_list() -> QuerySet[User]:
    return operator_list(role=OperatorRole.AGENT).filter(is_active=True)


def supplier_list(*, active_only: bool = True) -> QuerySet[Supplier]:
    """Suppliers (only active ones unless asked), in the model's order (company name)."""
    qs = Supplier.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def supplier_application_list(
    *, status: str | None = None, applicant: User | None = None, search: str = ""
) -> QuerySet[SupplierApplication]:
    """Applications, newest first; ``search`` matches the company name or applicant email."""
    qs = SupplierApplication.objects.select_related("applicant", "reviewed_by")
    if status:
        qs = qs.filter(status=status)
    if applicant is not None:
        qs = qs.filter(applicant=applicant)
    search = search.strip()
    if search:
        qs = qs.filter(Q(company_name__icontains=search) | Q(applicant__email__icontains=search))
    return qs.order_by("-created_at", "-pk")


def supplier_application_get(*, pk: int, applicant: User | None = None) -> SupplierApplication:
    qs = supplier_application_list(applicant=applicant)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Application not found"))
    return found


def supplier_application_pending_count() -> int:
    return SupplierApplication.objects.filter(status=SupplierApplicationStatus.PENDING).count()
