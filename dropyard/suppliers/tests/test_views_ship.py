"""The supplier-shipped queue, the earnings page and finance's payout queue, through the views."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.inventory.tests.factories import make_supplier
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Parcel
from dropyard.wallet.choices import LedgerKind, PayoutStatus
from dropyard.wallet.models import LedgerTransaction, Payout
from dropyard.wallet.supplier_ledger import supplier_payable_minor

from .factories_ship import packed, priced_variants, supplier_parcel, supplier_warehouse


@pytest.fixture
def supplier(db):
    return make_supplier(company_name="Ningbo Lamps")


@pytest.fixture
def world(merchant, supplier):
    warehouse, carrier = supplier_warehouse(supplier)
    (lamp,) = priced_variants([2500])
    parcel = supplier_parcel(merchant=merchant, warehouse=warehouse, items=[(lamp, 2)])
    return {"carrier": carrier, "parcel": parcel}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shipped(supplier, world) -> None:
    parcel = packed(world["parcel"], supplier.user)
    response = _client(supplier.user).post(
        reverse("suppliers_portal:parcel_ship", args=[parcel.public_id]),
        {
            f"{parcel.public_id}-carrier": world["carrier"].pk,
            f"{parcel.public_id}-tracking_number": "YT20261207",
        },
    )
    assert response.status_code == 302


def test_queue_shows_the_suppliers_parcels_with_lines_and_address(supplier, world):
    response = _client(supplier.user).get(reverse("suppliers_portal:parcels"))

    assert response.status_code == 200
    page = response.content.decode()
    assert world["parcel"].code in page
    assert world["parcel"].orders.get().code in page
    assert "Jane Buyer" in page
    assert page.count('data-testid="pack-form"') == 1


def test_queue_is_for_suppliers_only(merchant, world):
    assert _client(merchant.owner).get(reverse("suppliers_portal:parcels")).status_code == 403
    anonymous = Client().get(reverse("suppliers_portal:parcels"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_another_supplier_gets_404_and_changes_nothing(world):
    other = make_supplier(company_name="Other Factory")
    url = reverse("suppliers_portal:parcel_pack", args=[world["parcel"].public_id])

    response = _client(other.user).post(
        url, {f"{world['parcel'].public_id}-measured_weight_g": 500}
    )

    assert response.status_code == 404
    assert Parcel.objects.get(pk=world["parcel"].pk).status == ParcelStatus.READY
    assert (
        world["parcel"].code
        not in _client(other.user).get(reverse("suppliers_portal:parcels")).content.decode()
    )


def test_pack_then_ship_from_the_queue_credits_the_payable(supplier, world):
    parcel = world["parcel"]
    client = _client(supplier.user)

    packed_response = client.post(
        reverse("suppliers_portal:parcel_pack", args=[parcel.public_id]),
        {f"{parcel.public_id}-measured_weight_g": parcel.actual_weight_g},
    )
    shipped_response = client.post(
        reverse("suppliers_portal:parcel_ship", args=[parcel.public_id]),
        {
            f"{parcel.public_id}-carrier": world["carrier"].pk,
            f"{parcel.public_id}-tracking_number": "yt 2026 1207",
        },
    )

    assert packed_response.status_code == 302
    assert shipped_response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.SHIPPED
    assert parcel.tracking_number == "YT20261207"
    assert supplier_payable_minor(supplier=supplier) == 4500  # 2 × 25.00 − 10 %


def test_ship_without_tracking_is_refused(supplier, world):
    parcel = packed(world["parcel"], supplier.user)

    response = _client(supplier.user).post(
        reverse("suppliers_portal:parcel_ship", args=[parcel.public_id]),
        {f"{parcel.public_id}-carrier": world["carrier"].pk},
        follow=True,
    )

    assert "type the tracking number" in response.content.decode()
    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.PACKED
    assert supplier_payable_minor(supplier=supplier) == 0


def test_posts_need_the_csrf_token(supplier, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.user)

    response = client.post(
        reverse("suppliers_portal:parcel_pack", args=[world["parcel"].public_id]),
        {f"{world['parcel'].public_id}-measured_weight_g": 500},
    )
    payout = client.post(
        reverse("suppliers_portal:earnings"), {"amount": "1.00", "bank_details": "IBAN"}
    )

    assert response.status_code == 403
    assert payout.status_code == 403
    assert Parcel.objects.get(pk=world["parcel"].pk).status == ParcelStatus.READY


def test_earnings_page_lists_the_entry_and_requests_a_payout(supplier, world):
    _shipped(supplier, world)
    client = _client(supplier.user)

    page = client.get(reverse("suppliers_portal:earnings"))
    response = client.post(
        reverse("suppliers_portal:earnings"),
        {"amount": "40.00", "bank_details": "IBAN CN00 1", "note": "December"},
    )

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="earnings-row"') == 1
    assert "$45.00" in page.content.decode()
    assert response.status_code == 302
    payout = Payout.objects.get()
    assert (payout.amount_minor, payout.status, payout.note) == (4000, "requested", "December")


def test_payout_over_the_available_is_refused_with_the_form(supplier, world):
    _shipped(supplier, world)

    response = _client(supplier.user).post(
        reverse("suppliers_portal:earnings"), {"amount": "45.01", "bank_details": "IBAN"}
    )

    assert response.status_code == 400
    assert "at most $45.00" in response.content.decode()
    assert Payout.objects.count() == 0


@pytest.mark.parametrize("amount", ["", "abc", "-1", "0", "1e9999"])
def test_bad_payout_amounts_never_fail(supplier, world, amount):
    response = _client(supplier.user).post(
        reverse("suppliers_portal:earnings"), {"amount": amount, "bank_details": "IBAN"}
    )

    assert response.status_code == 400
    assert Payout.objects.count() == 0


def test_finance_approves_then_pays_after_confirming(supplier, world):
    _shipped(supplier, world)
    _client(supplier.user).post(
        reverse("suppliers_portal:earnings"), {"amount": "45.00", "bank_details": "IBAN"}
    )
    payout = Payout.objects.get()
    finance = _client(make_operator(role="finance"))

    listing = finance.get(reverse("suppliers_ops:payouts"))
    confirm = finance.get(reverse("suppliers_ops:payout_approve", args=[payout.public_id]))
    approved = finance.post(reverse("suppliers_ops:payout_approve", args=[payout.public_id]))
    no_reference = finance.post(reverse("suppliers_ops:payout_pay", args=[payout.public_id]))
    paid = finance.post(
        reverse("suppliers_ops:payout_pay", args=[payout.public_id]), {"reference": "BANK-1"}
    )
    again = finance.post(
        reverse("suppliers_ops:payout_pay", args=[payout.public_id]), {"reference": "BANK-2"}
    )

    assert payout.code in listing.content.decode()
    assert confirm.status_code == 200
    assert 'data-testid="decide-confirm"' in confirm.content.decode()
    assert approved.status_code == 302
    assert no_reference.status_code == 400
    assert paid.status_code == 302
    assert again.status_code == 302  # already paid: back to the payout, nothing posted
    payout.refresh_from_db()
    assert (payout.status, payout.paid_reference) == (PayoutStatus.PAID, "BANK-1")
    assert supplier_payable_minor(supplier=supplier) == 0
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SUPPLIER_PAYOUT).count() == 1


def test_finance_rejects_with_a_reason(supplier, world):
    _shipped(supplier, world)
    _client(supplier.user).post(
        reverse("suppliers_portal:earnings"), {"amount": "10.00", "bank_details": "IBAN"}
    )
    payout = Payout.objects.get()
    finance = _client(make_operator(role="finance"))

    without = finance.post(reverse("suppliers_ops:payout_reject", args=[payout.public_id]))
    with_reason = finance.post(
        reverse("suppliers_ops:payout_reject", args=[payout.public_id]),
        {"reason": "Account name does not match"},
    )

    assert without.status_code == 400
    assert with_reason.status_code == 302
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REJECTED
    page = _client(supplier.user).get(reverse("suppliers_portal:earnings")).content.decode()
    assert "Account name does not match" in page


def test_payout_pages_are_for_finance_and_admin(db):
    warehouse_operator = _client(make_operator(role="warehouse"))

    assert warehouse_operator.get(reverse("suppliers_ops:payouts")).status_code == 403
    assert (
        _client(make_operator(role="admin")).get(reverse("suppliers_ops:payouts")).status_code
        == 200
    )
    unknown = _client(make_operator(role="finance")).get(
        reverse("suppliers_ops:payout_detail", args=["nope"])
    )
    assert unknown.status_code == 404
