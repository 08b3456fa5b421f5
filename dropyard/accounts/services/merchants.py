"""Merchant accounts: create, profile, personal agent."""

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import MAX_EXACT_JSON_INTEGER
from dropyard.core.text import clean_line

from ..choices import (
    MemberRole,
    OperatorRole,
)
from ..exceptions import (
    AccountsError,
)
from ..models import (
    Membership,
    MerchantAccount,
    User,
)
from .common import clean_markets


def _new_account_number() -> str:
    while True:
        number = f"DY{secrets.randbelow(90_000_000) + 10_000_000}"
        if not MerchantAccount.objects.filter(account_number=number).exists():
            return number


OPEN_ID_MIN = 10**15  # 16 digits, like CJ's long openIds, but exact in a JSON number


def _new_open_id() -> int:
    """A fresh 16-digit openId in [10^15, 2^53 - 1]: the API sends it as a JSON number, which a
    JavaScript client reads as a double, so it must not exceed ``MAX_EXACT_JSON_INTEGER``."""
    while True:
        open_id = secrets.randbelow(MAX_EXACT_JSON_INTEGER - OPEN_ID_MIN + 1) + OPEN_ID_MIN
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
    business_name = clean_line(business_name)  # core.text: no control or bidi characters
    if not business_name:
        raise AccountsError(_("Business name is required"))
    merchant = MerchantAccount.objects.create(
        account_number=_new_account_number(),
        open_id=_new_open_id(),
        business_name=business_name,
        niche=clean_line(niche),
        target_markets=clean_markets(target_markets),
        contact_name=clean_line(contact_name) or owner.full_name,
        contact_email=contact_email.strip() or owner.email,
        contact_phone=clean_line(contact_phone),
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
        raise AccountsError(
            _("Unknown profile field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    changes: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name in fields:
            value = clean_line(fields[name])  # core.text: None → "", no control or bidi
            if name == "business_name" and not value:
                raise AccountsError(_("Business name is required"))
            if getattr(merchant, name) != value:
                changes[name] = value
    if "target_markets" in fields:
        markets = clean_markets(fields["target_markets"])
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
        raise AccountsError(_("The personal agent must be operator staff with the agent role"))
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
