"""Price negotiations: the merchant asks for a better price on a variant (volume and target);
the agent answers with a new price for that merchant, or declines; the merchant may withdraw.

Invariants:
- At most one OPEN negotiation per (merchant, variant) (database constraint); a second ask is
  refused with ``NegotiationRefused`` naming the open one, and nothing is written.
- Only an OPEN negotiation changes, once (the row is locked): ANSWERED, DECLINED or WITHDRAWN.
- Answering sets the merchant's price on the variant through the catalog's one write path
  (``catalog.merchant_prices.merchant_price_set``, audited MERCHANT_PRICE_SET); from then on
  orders and purchases of that merchant are priced at it (``catalog.selectors.unit_prices_for``).
- Every change is audited PRICE_NEGOTIATION in its transaction, and the other side hears of it
  through the bell (``accounts.notifications.notify``: the notice is written in the same
  transaction, its email goes out on commit).
- An agent answers or declines only for merchants they are the agent of; admins for any.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.choices import MemberRole, OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.notifications import notify
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.merchant_prices import merchant_price_set
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.money import Money

from .choices import NegotiationStatus as N
from .exceptions import NotFound, PermissionDenied, SourcingError
from .models import PriceNegotiation

PRICE_MAX_MINOR = 10**10  # $100,000,000: far above any unit price, far below overflow
QUANTITY_MAX = 10**8
NOTE_MAX = 2000


class NegotiationInvalid(SourcingError):
    """A field of the ask or the answer is missing or invalid (the message names it)."""


class NegotiationRefused(SourcingError):
    """The negotiation's state does not allow the change (already open, already answered)."""

    http_status = 409


def _usd(minor: int) -> str:
    return f"${Money(minor, 'USD').wire()}"


def _whole(value: Any, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NegotiationInvalid(_("%(field)s must be a whole number") % {"field": field})
    if not minimum <= value <= maximum:
        raise NegotiationInvalid(
            _("%(field)s must be between %(min)s and %(max)s")
            % {"field": field, "min": minimum, "max": maximum}
        )
    return value


def _note(value: Any, *, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise NegotiationInvalid(_("the note must be text"))
    if required and not text:
        raise NegotiationInvalid(_("say why, so the merchant knows"))
    if len(text) > NOTE_MAX:
        raise NegotiationInvalid(
            _("the note is longer than %(max)s characters") % {"max": NOTE_MAX}
        )
    return text


def _lock(negotiation: PriceNegotiation) -> PriceNegotiation:
    return (
        PriceNegotiation.objects.select_for_update(of=("self",))
        .select_related("merchant", "variant__product")
        .get(pk=negotiation.pk)
    )


def _require_open(locked: PriceNegotiation) -> None:
    if locked.status != N.OPEN:
        raise NegotiationRefused(
            _("price request %(id)s is already closed (%(status)s)")
            % {"id": locked.public_id, "status": str(N(locked.status).label).lower()}
        )


def _require_agent_of(actor: User, merchant: MerchantAccount) -> None:
    """Admins answer for any merchant; an agent only for their own merchants."""
    role = getattr(actor, "operator_role", "")
    if role == OperatorRole.ADMIN:
        return
    if role == OperatorRole.AGENT and merchant.agent_id == actor.pk:
        return
    raise PermissionDenied(_("this price request is not one of your merchants'"))


def _merchant_readers(negotiation: PriceNegotiation) -> list[User | None]:
    """Who hears on the merchant's side: who asked and the owners."""
    owners = User.objects.filter(
        memberships__merchant_id=negotiation.merchant_id, memberships__role=MemberRole.OWNER
    )
    return [negotiation.created_by, *owners]


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _audit(locked: PriceNegotiation, *, actor: User, change: str, **details: Any) -> None:
    audit_record(
        action=AuditAction.PRICE_NEGOTIATION,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        target_label=f"{locked.public_id} {locked.variant.sku}",
        details={"negotiation": locked.public_id, "change": change, **details},
    )


# --- The merchant ------------------------------------------------------------------------------


def negotiation_ask(
    *,
    merchant: MerchantAccount,
    actor: User,
    variant: Variant,
    monthly_quantity: Any,
    target_price_minor: Any,
    note: Any = "",
) -> PriceNegotiation:
    """The merchant asks for a better price on ``variant`` for ``monthly_quantity`` units a
    month, at ``target_price_minor`` (USD minor units, above zero and below what the merchant
    pays now: its agreed price, else the list price).

    Refused, nothing written: ``NotFound`` for a variant of a product private to another
    merchant; ``NegotiationInvalid`` for an off-sale variant or a bad field;
    ``NegotiationRefused`` while an OPEN request for the variant exists (the message names it).
    The merchant's agent is notified.
    """
    if variant.product.private_for_id not in (None, merchant.pk):
        raise NotFound(_("Variant not found"))
    if not (variant.is_on_sale and variant.product.is_on_sale):
        raise NegotiationInvalid(
            _("%(sku)s is off sale: its price cannot be negotiated") % {"sku": variant.sku}
        )
    quantity = _whole(
        monthly_quantity, field=_("monthly quantity"), minimum=1, maximum=QUANTITY_MAX
    )
    target = _whole(target_price_minor, field=_("target price"), minimum=1, maximum=PRICE_MAX_MINOR)
    current = catalog_selectors.unit_price_for(merchant, variant)
    if target >= current:
        raise NegotiationInvalid(
            _("the target price must be below what you pay now (%(price)s)")
            % {"price": _usd(current)}
        )
    text = _note(note)
    with transaction.atomic():
        existing = _open_for(merchant, variant)
        if existing is not None:
            raise _already_open(existing)
        try:
            with transaction.atomic():
                negotiation = PriceNegotiation.objects.create(
                    merchant=merchant,
                    variant=variant,
                    created_by=actor,
                    monthly_quantity=quantity,
                    target_price_minor=target,
                    note=text,
                )
        except IntegrityError:  # another ask for the same variant committed meanwhile
            found = _open_for(merchant, variant)
            if found is None:
                raise
            raise _already_open(found) from None
        _audit(
            negotiation,
            actor=actor,
            change="asked",
            variant=variant.sku,
            monthly_quantity=quantity,
            target_price_minor=target,
            current_price_minor=current,
        )
        notify(
            users=[merchant.agent] if merchant.agent_id else [],
            kind="price.asked",
            title=gettext_noop("%(merchant)s asks for a better price on %(sku)s"),
            params={"merchant": merchant.business_name, "sku": variant.sku},
            url=_url("sourcing_prices:ops_detail", negotiation.public_id),
            merchant=merchant,
            exclude=actor,
        )
    return negotiation


def _open_for(merchant: MerchantAccount, variant: Variant) -> PriceNegotiation | None:
    return PriceNegotiation.objects.filter(
        merchant=merchant, variant=variant, status=N.OPEN
    ).first()


def _already_open(existing: PriceNegotiation) -> NegotiationRefused:
    return NegotiationRefused(
        _(
            "you already asked for a better price on %(sku)s (request %(id)s of %(date)s): "
            "wait for the agent's answer or withdraw it first"
        )
        % {
            "sku": existing.variant.sku,
            "id": existing.public_id,
            "date": timezone.localtime(existing.created_at).strftime("%Y-%m-%d"),
        },
        extra={"negotiation": existing.public_id},
    )


@transaction.atomic
def negotiation_withdraw(
    *, merchant: MerchantAccount, actor: User, negotiation: PriceNegotiation
) -> PriceNegotiation:
    """The merchant withdraws its OPEN request (WITHDRAWN); another merchant's is
    ``NotFound``, a closed one ``NegotiationRefused``. The agent hears of it (no email)."""
    if negotiation.merchant_id != merchant.pk:
        raise NotFound(_("price request not found"))
    locked = _lock(negotiation)
    _require_open(locked)
    locked.status = N.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    _audit(locked, actor=actor, change="withdrawn")
    notify(
        users=[locked.merchant.agent] if locked.merchant.agent_id else [],
        kind="price.withdrawn",
        title=gettext_noop("%(merchant)s withdrew the price request on %(sku)s"),
        params={"merchant": locked.merchant.business_name, "sku": locked.variant.sku},
        url=_url("sourcing_prices:ops_detail", locked.public_id),
        merchant=locked.merchant,
        exclude=actor,
        email=False,
    )
    return locked


# --- The agent ---------------------------------------------------------------------------------


@transaction.atomic
def negotiation_answer(
    *, agent: User, negotiation: PriceNegotiation, price_minor: Any, note: Any = ""
) -> PriceNegotiation:
    """The agent answers an OPEN request with a new price for this merchant: ANSWERED, and the
    merchant's price on the variant becomes ``price_minor`` (more than zero and below the
    variant's list price; it may be above the merchant's target). The merchant is notified.

    Refused, nothing written: ``PermissionDenied`` (not the merchant's agent, not an admin),
    ``NegotiationRefused`` (not OPEN), ``NegotiationInvalid`` (a bad price or note).
    """
    _require_agent_of(agent, negotiation.merchant)
    locked = _lock(negotiation)
    _require_open(locked)
    price = _whole(price_minor, field=_("new price"), minimum=1, maximum=PRICE_MAX_MINOR)
    list_price = locked.variant.price_minor
    if price >= list_price:
        raise NegotiationInvalid(
            _("the new price must be below the list price (%(price)s); decline the request instead")
            % {"price": _usd(list_price)}
        )
    text = _note(note)
    locked.status = N.ANSWERED
    locked.agent = agent
    locked.answered_price_minor = price
    locked.answer_note = text
    locked.answered_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "agent",
            "answered_price_minor",
            "answer_note",
            "answered_at",
            "updated_at",
        ]
    )
    merchant_price_set(
        merchant=locked.merchant,
        variant=locked.variant,
        price_minor=price,
        actor=agent,
        reference=locked.public_id,
    )
    _audit(locked, actor=agent, change="answered", price_minor=price, note=text[:200])
    notify(
        users=_merchant_readers(locked),
        kind="price.answered",
        title=gettext_noop("Your new price on %(sku)s: %(price)s"),
        body=text[:300],
        params={"sku": locked.variant.sku, "price": _usd(price)},
        url=_url("sourcing_prices:list"),
        merchant=locked.merchant,
        exclude=agent,
    )
    return locked


@transaction.atomic
def negotiation_decline(
    *, agent: User, negotiation: PriceNegotiation, note: Any
) -> PriceNegotiation:
    """The agent declines an OPEN request with a reason the merchant reads: DECLINED; prices
    are unchanged. Same refusals as ``negotiation_answer``; the reason is required."""
    _require_agent_of(agent, negotiation.merchant)
    locked = _lock(negotiation)
    _require_open(locked)
    text = _note(note, required=True)
    locked.status = N.DECLINED
    locked.agent = agent
    locked.answer_note = text
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "agent", "answer_note", "answered_at", "updated_at"])
    _audit(locked, actor=agent, change="declined", note=text[:200])
    notify(
        users=_merchant_readers(locked),
        kind="price.declined",
        title=gettext_noop("Your price request on %(sku)s was declined"),
        body=text[:300],
        params={"sku": locked.variant.sku},
        url=_url("sourcing_prices:list"),
        merchant=locked.merchant,
        exclude=agent,
    )
    return locked
