import pytest
from django.core import mail

from dropyard.accounts.models import Notification
from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.models import MerchantPrice
from dropyard.catalog.tests.factories import make_product
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.sourcing.choices import NegotiationStatus
from dropyard.sourcing.exceptions import NotFound, PermissionDenied
from dropyard.sourcing.models import PriceNegotiation
from dropyard.sourcing.negotiations import (
    NegotiationInvalid,
    NegotiationRefused,
    negotiation_answer,
    negotiation_ask,
    negotiation_decline,
    negotiation_withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(variants=1).variants.get()  # list price 1250


def _ask(merchant, owner, variant, **overrides):
    fields = {"monthly_quantity": 500, "target_price_minor": 900, "note": "Big season"}
    fields.update(overrides)
    return negotiation_ask(merchant=merchant, actor=owner, variant=variant, **fields)


def _audits(action):
    events = AuditEvent.objects.filter(action=action).order_by("pk")
    return list(events.values_list("details", flat=True))


# --- Ask ----------------------------------------------------------------------------------------


def test_ask_opens_audits_and_notifies_the_agent(
    assigned, owner, agent, variant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        negotiation = _ask(assigned, owner, variant)

    negotiation.refresh_from_db()
    assert (negotiation.status, negotiation.monthly_quantity) == (NegotiationStatus.OPEN, 500)
    assert (negotiation.target_price_minor, negotiation.note) == (900, "Big season")
    assert negotiation.created_by == owner
    [details] = _audits(AuditAction.PRICE_NEGOTIATION)
    assert details["change"] == "asked"
    assert details["current_price_minor"] == 1250
    [notice] = Notification.objects.all()
    assert (notice.user, notice.kind) == (agent, "price.asked")
    assert notice.url == f"/price-requests/ops/{negotiation.public_id}/"
    assert [m.to for m in mail.outbox] == [[agent.email]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_price_minor": 1250}, "the target price must be below what you pay now ($12.50)"),
        ({"target_price_minor": 0}, "target price must be between 1 and 10000000000"),
        ({"target_price_minor": "9"}, "target price must be a whole number"),
        ({"monthly_quantity": 0}, "monthly quantity must be between 1 and 100000000"),
        ({"monthly_quantity": True}, "monthly quantity must be a whole number"),
        ({"note": "x" * 2001}, "the note is longer than 2000 characters"),
    ],
)
def test_ask_refuses_bad_fields_and_writes_nothing(merchant, owner, variant, overrides, message):
    with pytest.raises(NegotiationInvalid) as refused:
        _ask(merchant, owner, variant, **overrides)

    assert refused.value.message == message
    assert PriceNegotiation.objects.count() == 0
    assert _audits(AuditAction.PRICE_NEGOTIATION) == []


def test_ask_target_is_compared_with_the_merchant_price(merchant, owner, agent, variant):
    MerchantPrice.objects.create(merchant=merchant, variant=variant, price_minor=1000)

    with pytest.raises(NegotiationInvalid) as refused:
        _ask(merchant, owner, variant, target_price_minor=1000)

    assert refused.value.message == "the target price must be below what you pay now ($10.00)"


def test_ask_off_sale_variant_is_refused(merchant, owner, variant):
    variant.is_on_sale = False
    variant.save(update_fields=["is_on_sale"])

    with pytest.raises(NegotiationInvalid) as refused:
        _ask(merchant, owner, variant)

    assert refused.value.message == f"{variant.sku} is off sale: its price cannot be negotiated"
    assert PriceNegotiation.objects.count() == 0


def test_ask_on_another_merchants_private_product_is_not_found(
    merchant, owner, other_merchant, variant
):
    variant.product.private_for = other_merchant
    variant.product.save(update_fields=["private_for"])

    with pytest.raises(NotFound):
        _ask(merchant, owner, variant)

    assert PriceNegotiation.objects.count() == 0


def test_ask_on_own_private_product_is_allowed(merchant, owner, variant):
    variant.product.private_for = merchant
    variant.product.save(update_fields=["private_for"])

    negotiation = _ask(merchant, owner, variant)

    assert negotiation.status == NegotiationStatus.OPEN


def test_second_open_ask_names_the_first(merchant, owner, variant):
    first = _ask(merchant, owner, variant)

    with pytest.raises(NegotiationRefused) as refused:
        _ask(merchant, owner, variant, target_price_minor=800)

    assert first.public_id in refused.value.message
    assert refused.value.message.startswith(
        f"you already asked for a better price on {variant.sku} (request {first.public_id} of "
    )
    assert refused.value.extra == {"negotiation": first.public_id}
    assert PriceNegotiation.objects.count() == 1


def test_ask_again_after_withdrawing(merchant, owner, variant):
    first = _ask(merchant, owner, variant)
    negotiation_withdraw(merchant=merchant, actor=owner, negotiation=first)

    second = _ask(merchant, owner, variant)

    assert second.pk != first.pk
    assert PriceNegotiation.objects.filter(status=NegotiationStatus.OPEN).count() == 1


def test_another_merchant_may_ask_on_the_same_variant(merchant, owner, other_merchant, variant):
    _ask(merchant, owner, variant)

    theirs = _ask(other_merchant, other_merchant.owner, variant)

    assert theirs.merchant == other_merchant


# --- Answer -------------------------------------------------------------------------------------


def test_answer_sets_the_merchant_price_and_tells_the_merchant(
    assigned, owner, agent, variant, django_capture_on_commit_callbacks
):
    negotiation = _ask(assigned, owner, variant)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        negotiation_answer(agent=agent, negotiation=negotiation, price_minor=950, note="Deal")

    negotiation.refresh_from_db()
    assert (negotiation.status, negotiation.answered_price_minor) == ("ANSWERED", 950)
    assert (negotiation.agent, negotiation.answer_note) == (agent, "Deal")
    assert negotiation.answered_at is not None
    price = MerchantPrice.objects.get(merchant=assigned, variant=variant)
    assert (price.price_minor, price.reference) == (950, negotiation.public_id)
    [set_details] = _audits(AuditAction.MERCHANT_PRICE_SET)
    assert (set_details["from"], set_details["to"]) == (None, 950)
    assert [d["change"] for d in _audits(AuditAction.PRICE_NEGOTIATION)] == ["asked", "answered"]
    [notice] = Notification.objects.all()
    assert (notice.user, notice.kind, notice.params) == (
        owner,
        "price.answered",
        {"sku": variant.sku, "price": "$9.50"},
    )
    assert owner.email in [m.to[0] for m in mail.outbox]


def test_answer_replaces_an_earlier_merchant_price(assigned, owner, agent, variant):
    first = _ask(assigned, owner, variant)
    negotiation_answer(agent=agent, negotiation=first, price_minor=1100)
    second = _ask(assigned, owner, variant, target_price_minor=900)

    negotiation_answer(agent=agent, negotiation=second, price_minor=1000)

    assert list(MerchantPrice.objects.values_list("price_minor", flat=True)) == [1000]
    assert [(d["from"], d["to"]) for d in _audits(AuditAction.MERCHANT_PRICE_SET)] == [
        (None, 1100),
        (1100, 1000),
    ]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (1250, "the new price must be below the list price ($12.50); decline the request instead"),
        (0, "new price must be between 1 and 10000000000"),
        (None, "new price must be a whole number"),
    ],
)
def test_answer_refuses_bad_prices(assigned, owner, agent, variant, price, message):
    negotiation = _ask(assigned, owner, variant)

    with pytest.raises(NegotiationInvalid) as refused:
        negotiation_answer(agent=agent, negotiation=negotiation, price_minor=price)

    assert refused.value.message == message
    negotiation.refresh_from_db()
    assert negotiation.status == NegotiationStatus.OPEN
    assert MerchantPrice.objects.count() == 0


def test_only_the_merchants_agent_or_an_admin_answers(
    assigned, owner, variant, operator_admin, support
):
    negotiation = _ask(assigned, owner, variant)
    other_agent = make_operator(role="agent")

    for intruder in (other_agent, support):
        with pytest.raises(PermissionDenied):
            negotiation_answer(agent=intruder, negotiation=negotiation, price_minor=1000)
    negotiation_answer(agent=operator_admin, negotiation=negotiation, price_minor=1000)

    negotiation.refresh_from_db()
    assert (negotiation.status, negotiation.agent) == ("ANSWERED", operator_admin)


def test_answer_on_a_closed_request_is_refused(assigned, owner, agent, variant):
    negotiation = _ask(assigned, owner, variant)
    negotiation_withdraw(merchant=assigned, actor=owner, negotiation=negotiation)

    with pytest.raises(NegotiationRefused) as refused:
        negotiation_answer(agent=agent, negotiation=negotiation, price_minor=1000)

    assert refused.value.message == (
        f"price request {negotiation.public_id} is already closed (withdrawn)"
    )
    assert MerchantPrice.objects.count() == 0


# --- Decline, withdraw --------------------------------------------------------------------------


def test_decline_needs_a_reason_and_keeps_prices(assigned, owner, agent, variant):
    negotiation = _ask(assigned, owner, variant)
    Notification.objects.all().delete()

    with pytest.raises(NegotiationInvalid):
        negotiation_decline(agent=agent, negotiation=negotiation, note="  ")
    negotiation_decline(agent=agent, negotiation=negotiation, note="Factory at cost already")

    negotiation.refresh_from_db()
    assert (negotiation.status, negotiation.answer_note) == ("DECLINED", "Factory at cost already")
    assert negotiation.answered_price_minor is None
    assert MerchantPrice.objects.count() == 0
    [notice] = Notification.objects.all()
    assert (notice.user, notice.kind) == (owner, "price.declined")


def test_withdraw_by_another_merchant_is_not_found(merchant, owner, other_merchant, variant):
    negotiation = _ask(merchant, owner, variant)

    with pytest.raises(NotFound):
        negotiation_withdraw(
            merchant=other_merchant, actor=other_merchant.owner, negotiation=negotiation
        )

    negotiation.refresh_from_db()
    assert negotiation.status == NegotiationStatus.OPEN


def test_withdraw_tells_the_agent_without_email(
    assigned, owner, agent, variant, django_capture_on_commit_callbacks
):
    negotiation = _ask(assigned, owner, variant)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        negotiation_withdraw(merchant=assigned, actor=owner, negotiation=negotiation)

    negotiation.refresh_from_db()
    assert negotiation.status == NegotiationStatus.WITHDRAWN
    [notice] = Notification.objects.all()
    assert (notice.user, notice.kind) == (agent, "price.withdrawn")
    assert mail.outbox == []
    with pytest.raises(NegotiationRefused):
        negotiation_withdraw(merchant=assigned, actor=owner, negotiation=negotiation)
