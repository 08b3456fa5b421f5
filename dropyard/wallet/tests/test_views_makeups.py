"""Supplementary bill pages: finance creates a bill after a confirmation step; the merchant lists
its bills (filters, pagination, empty state) and pays them from the wallet, one or several."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.exceptions import PaymentRefused
from dropyard.wallet.models import LedgerTransaction, Makeup
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund

pytestmark = pytest.mark.django_db

CREATE = "wallet_ops:makeup_create"
LIST = "wallet:makeup_list"
PAY = "wallet:makeup_pay"


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


def _bill(merchant, amount=300, type=MakeupType.FREIGHT, reason="remote area surcharge"):
    return wallet_bills.makeup_create(
        merchant=merchant, amount_minor=amount, reason=reason, type=type
    )


def _form(merchant_account, **overrides):
    data = {
        "merchant": merchant_account.account_number,
        "order": "",
        "amount": "12.50",
        "type": MakeupType.FREIGHT,
        "reason": "carrier surcharge",
    }
    return {**data, **overrides}


def test_finance_reviews_then_creates_a_bill_linked_to_an_order(client, merchant, owner, finance):
    _, [order] = confirmed(merchant, owner, make_order_world(), 1)
    client.force_login(finance)

    review = client.post(reverse(CREATE), _form(merchant, order=order.code))

    assert review.status_code == 200
    assert 'data-testid="makeup-confirm"' in review.content.decode()
    assert not Makeup.objects.exists()  # nothing until confirmed

    done = client.post(reverse(CREATE), {**_form(merchant, order=order.code), "confirm": "1"})

    bill = Makeup.objects.get()
    assert done.status_code == 302
    assert (bill.merchant_id, bill.related_order_id, bill.amount_minor, bill.type) == (
        merchant.pk,
        order.pk,
        1250,
        MakeupType.FREIGHT,
    )
    assert (bill.status, bill.reason, bill.created_by_id) == (
        MakeupStatus.UNPAID,
        "carrier surcharge",
        finance.pk,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"merchant": "DY00000000"}, "merchant"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"type": "tax"}, "type"),
        ({"reason": " "}, "reason"),
        ({"order": "NO-SUCH-ORDER"}, "order"),
    ],
)
def test_bad_bills_are_refused_and_nothing_is_created(client, merchant, finance, overrides, field):
    client.force_login(finance)

    response = client.post(reverse(CREATE), {**_form(merchant, **overrides), "confirm": "1"})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Makeup.objects.exists()


def test_an_order_of_another_merchant_cannot_be_linked(client, merchant, other_merchant, finance):
    _, [theirs] = confirmed(other_merchant, other_merchant.owner, make_order_world(), 1)
    client.force_login(finance)

    response = client.post(
        reverse(CREATE), {**_form(merchant, order=theirs.public_id), "confirm": "1"}
    )

    assert response.context["form"].errors["order"] == ["This merchant has no such order."]
    assert not Makeup.objects.exists()


def test_merchants_and_other_operators_cannot_create_bills(client, merchant, owner):
    for user in (owner, make_operator(role="support")):
        client.force_login(user)
        response = client.post(reverse(CREATE), {**_form(merchant), "confirm": "1"})
        assert response.status_code == 403
    assert not Makeup.objects.exists()


def test_merchant_sees_only_its_bills_with_filters_and_empty_state(
    client, merchant, owner, other_merchant
):
    client.force_login(owner)
    empty = client.get(reverse(LIST)).content.decode()
    assert 'data-testid="empty-state"' in empty

    mine = _bill(merchant)
    product = _bill(merchant, type=MakeupType.PRODUCT, reason="price change")
    theirs = _bill(other_merchant)

    page = client.get(reverse(LIST)).content.decode()
    freight_only = client.get(reverse(LIST), {"type": "freight"}).content.decode()
    paid_only = client.get(reverse(LIST), {"status": "paid"}).content.decode()

    assert mine.code in page
    assert product.code in page
    assert theirs.code not in page
    assert mine.code in freight_only
    assert product.code not in freight_only
    assert "No bill matches these filters." in paid_only


def test_bill_list_is_paginated(client, merchant, owner):
    for _ in range(26):
        _bill(merchant)
    client.force_login(owner)

    first = client.get(reverse(LIST))
    second = client.get(reverse(LIST), {"page": 2})

    assert first.context["page"].paginator.count == 26
    assert len(first.context["page"].object_list) + len(second.context["page"].object_list) == 26
    assert len(second.context["page"].object_list) > 0


def test_merchant_pays_one_bill_from_the_wallet(client, merchant, owner):
    fund(merchant, owner, 1_000)
    bill, other = _bill(merchant), _bill(merchant)
    client.force_login(owner)

    response = client.post(reverse(PAY), {"codes": [bill.code]}, follow=True)

    bill.refresh_from_db()
    other.refresh_from_db()
    assert (bill.status, other.status) == (MakeupStatus.PAID, MakeupStatus.UNPAID)
    assert available(merchant) == 700
    assert "Paid 1 bill from your wallet" in response.content.decode()


def test_merchant_pays_selected_bills_in_one_transaction(client, merchant, owner):
    fund(merchant, owner, 1_000)
    bills = [_bill(merchant), _bill(merchant, amount=200)]
    client.force_login(owner)

    client.post(reverse(PAY), {"codes": [b.code for b in bills]})

    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.PAID}
    assert LedgerTransaction.objects.filter(kind="makeup_payment").count() == 1
    assert available(merchant) == 500


def test_paying_with_too_little_money_or_another_merchants_bill_pays_nothing(
    client, merchant, owner, other_merchant
):
    fund(merchant, owner, 1_000)
    mine, theirs = _bill(merchant, amount=1_500), _bill(other_merchant)
    client.force_login(owner)

    short = client.post(reverse(PAY), {"codes": [mine.code]}, follow=True)
    foreign = client.post(reverse(PAY), {"codes": [mine.code, theirs.code]}, follow=True)
    nothing = client.post(reverse(PAY), {}, follow=True)

    assert "Insufficient balance" in short.content.decode()
    assert "Supplementary bill not found." in foreign.content.decode()
    assert "Select at least one bill to pay." in nothing.content.decode()
    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.UNPAID}
    assert available(merchant) == 1_000


def test_staff_without_the_wallet_area_cannot_pay(client, merchant, owner):
    fund(merchant, owner, 1_000)
    bill = _bill(merchant)
    staff = make_staff(merchant=merchant, permissions=["orders"])
    client.force_login(staff)

    assert client.get(reverse(LIST)).status_code == 403
    assert client.post(reverse(PAY), {"codes": [bill.code]}).status_code == 403
    bill.refresh_from_db()
    assert bill.status == MakeupStatus.UNPAID


# --- Finance list and cancellation ----------------------------------------------------------

OPS_LIST = "wallet_ops:makeup_list"
CANCEL = "wallet_ops:makeup_cancel"


def test_finance_lists_every_merchants_bills_with_filters_and_empty_state(
    client, merchant, other_merchant, finance
):
    client.force_login(finance)
    empty = client.get(reverse(OPS_LIST)).content.decode()
    assert 'data-testid="empty-state"' in empty
    assert "No supplementary bills yet." in empty

    mine = _bill(merchant)
    product = _bill(merchant, type=MakeupType.PRODUCT, reason="price change")
    theirs = _bill(other_merchant)

    page = client.get(reverse(OPS_LIST)).content.decode()
    by_merchant = client.get(
        reverse(OPS_LIST), {"merchant": other_merchant.account_number.lower()}
    ).content.decode()
    product_only = client.get(reverse(OPS_LIST), {"type": "product"}).content.decode()
    paid_only = client.get(reverse(OPS_LIST), {"status": "paid"}).content.decode()

    assert all(b.code in page for b in (mine, product, theirs))
    assert theirs.code in by_merchant
    assert mine.code not in by_merchant
    assert product.code in product_only
    assert mine.code not in product_only
    assert theirs.code not in product_only
    assert "No bill matches these filters." in paid_only


def test_finance_bill_list_is_paginated(client, merchant, finance):
    for _ in range(30):
        _bill(merchant)
    client.force_login(finance)
    first = client.get(reverse(OPS_LIST)).content.decode()
    second = client.get(reverse(OPS_LIST), {"page": 2}).content.decode()
    assert first.count('data-testid="ops-makeup-row"') == 25
    assert second.count('data-testid="ops-makeup-row"') == 5


def test_merchants_and_other_operators_cannot_list_or_cancel(client, merchant, owner):
    bill = _bill(merchant)
    for user in (owner, make_operator(role="support")):
        client.force_login(user)
        assert client.get(reverse(OPS_LIST)).status_code == 403
        response = client.post(reverse(CANCEL, args=[bill.code]), {"reason": "mistake"})
        assert response.status_code == 403
    bill.refresh_from_db()
    assert bill.status == MakeupStatus.UNPAID


def test_finance_confirms_then_cancels_an_unpaid_bill_with_a_reason(
    client, merchant, owner, finance, django_capture_on_commit_callbacks
):
    from dropyard.core.models import AuditEvent  # noqa: PLC0415
    from dropyard.webhooks.models import WebhookMessage  # noqa: PLC0415
    from dropyard.webhooks.services import CallbackSetting, webhook_set  # noqa: PLC0415

    webhook_set(
        merchant=merchant,
        actor=owner,
        settings_by_topic=[
            CallbackSetting(topic="makeup", action="ENABLE", urls=("https://hooks.example/bt",))
        ],
    )
    bill = _bill(merchant)
    client.force_login(finance)

    confirm = client.get(reverse(CANCEL, args=[bill.code])).content.decode()
    assert 'data-testid="makeup-cancel-form"' in confirm
    missing_reason = client.post(reverse(CANCEL, args=[bill.code]), {"reason": " "})
    bill.refresh_from_db()
    assert missing_reason.status_code == 400
    assert bill.status == MakeupStatus.UNPAID

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse(CANCEL, args=[bill.code]), {"reason": "billed twice"})

    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == MakeupStatus.CANCELLED
    audit = AuditEvent.objects.filter(details__change="cancelled").get()
    assert audit.details == {"change": "cancelled", "code": bill.code, "reason": "billed twice"}
    messages = list(
        WebhookMessage.objects.filter(merchant=merchant)
        .order_by("pk")
        .values_list("message_type", flat=True)
    )
    assert messages == ["INSERT", "CANCEL"]


def test_cancelling_a_paid_or_cancelled_bill_changes_nothing(client, merchant, owner, finance):
    fund(merchant, owner, 1000)
    paid = _bill(merchant)
    wallet_bills.makeup_pay(makeup=paid, actor=owner)
    cancelled = _bill(merchant)
    wallet_bills.makeup_cancel(makeup=cancelled, actor=finance, reason="duplicate")
    balance = available(merchant)
    transactions = LedgerTransaction.objects.count()

    client.force_login(finance)
    for bill, status in ((paid, MakeupStatus.PAID), (cancelled, MakeupStatus.CANCELLED)):
        before = Makeup.objects.get(pk=bill.pk).updated_at
        response = client.post(reverse(CANCEL, args=[bill.code]), {"reason": "again"}, follow=True)
        assert f"bill {bill.code} is {status.label.lower()}" in response.content.decode()
        bill.refresh_from_db()
        assert bill.status == status
        assert bill.updated_at == before
        with pytest.raises(PaymentRefused):
            wallet_bills.makeup_cancel(makeup=bill, actor=finance, reason="again")
    assert available(merchant) == balance
    assert LedgerTransaction.objects.count() == transactions
    assert client.get(reverse(CANCEL, args=["BT000"])).status_code == 404
