"""Invoice pages: merchants see and download their own documents; finance sees everyone's."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.wallet.choices import Provider
from dropyard.wallet.invoices import receipt_issue_for_topup

from .invoice_helpers import credited_topup, issue_invoice, pdf_text, two_paid_orders


@pytest.fixture
def receipt(merchant):
    topup = credited_topup(merchant, amount_minor=2500, provider=Provider.SANDBOX)
    return receipt_issue_for_topup(topup=topup)


@pytest.fixture
def other_receipt(other_merchant):
    topup = credited_topup(other_merchant, amount_minor=9900, provider=Provider.SANDBOX)
    return receipt_issue_for_topup(topup=topup)


def _download(client, user, name, invoice):
    client.force_login(user)
    return client.get(reverse(name, kwargs={"public_id": invoice.public_id}))


def test_merchant_downloads_its_receipt_as_a_private_attachment(client, owner, receipt):
    response = _download(client, owner, "wallet:invoice_download", receipt)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{receipt.number}.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert receipt.number in text
    assert "Credited to wallet 25.00 USD" in text


def test_another_merchants_document_is_not_found(client, owner, other_receipt):
    response = _download(client, owner, "wallet:invoice_download", other_receipt)

    assert response.status_code == 404


def test_an_unknown_id_is_not_found(client, owner):
    client.force_login(owner)

    response = client.get(reverse("wallet:invoice_download", kwargs={"public_id": "nope"}))

    assert response.status_code == 404


def test_staff_without_the_wallet_area_cannot_download(client, merchant, receipt):
    staff = make_staff(merchant=merchant, permissions=["orders"])

    response = _download(client, staff, "wallet:invoice_download", receipt)

    assert response.status_code == 403


def test_staff_with_the_wallet_area_can_download(client, merchant, receipt):
    staff = make_staff(merchant=merchant, permissions=["wallet"])

    response = _download(client, staff, "wallet:invoice_download", receipt)

    assert response.status_code == 200


def test_the_merchant_list_shows_only_its_own_documents(client, owner, receipt, other_receipt):
    client.force_login(owner)

    response = client.get(reverse("wallet:invoice_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert receipt.number in page
    assert "25.00" in page
    assert "99.00" not in page
    assert reverse("wallet:invoice_download", kwargs={"public_id": receipt.public_id}) in page


def test_the_merchant_list_filters_by_kind_and_number(client, owner, receipt):
    client.force_login(owner)

    by_kind = client.get(reverse("wallet:invoice_list"), {"kind": "invoice"})
    by_number = client.get(reverse("wallet:invoice_list"), {"q": receipt.number})
    bad_kind = client.get(reverse("wallet:invoice_list"), {"kind": "bogus"})

    assert receipt.number not in by_kind.content.decode()
    assert "No document matches these filters." in by_kind.content.decode()
    assert receipt.number in by_number.content.decode()
    assert bad_kind.status_code == 200  # an unknown kind is ignored, not an error
    assert receipt.number in bad_kind.content.decode()


def test_the_merchant_list_has_an_empty_state(client, owner):
    client.force_login(owner)

    response = client.get(reverse("wallet:invoice_list"))

    assert "No invoices yet." in response.content.decode()


def test_htmx_filtering_returns_only_the_results(client, owner, receipt):
    client.force_login(owner)

    response = client.get(reverse("wallet:invoice_list"), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert receipt.number in page
    assert "<html" not in page


@pytest.mark.parametrize("role", ["finance", "admin"])
def test_finance_lists_and_downloads_every_merchants_documents(
    client, role, receipt, other_receipt
):
    operator = make_operator(role=role)
    client.force_login(operator)

    listing = client.get(reverse("wallet_ops:invoice_list"), {"q": "Other Shop"})
    response = client.get(
        reverse("wallet_ops:invoice_download", kwargs={"public_id": other_receipt.public_id})
    )

    assert other_receipt.number in listing.content.decode()
    assert receipt.number not in listing.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Other Shop Ltd" in pdf_text(response.content)


@pytest.mark.parametrize("role", ["agent", "support", "warehouse"])
def test_other_operators_cannot_reach_the_finance_pages(client, role, receipt):
    client.force_login(make_operator(role=role))

    listing = client.get(reverse("wallet_ops:invoice_list"))
    response = client.get(
        reverse("wallet_ops:invoice_download", kwargs={"public_id": receipt.public_id})
    )

    assert (listing.status_code, response.status_code) == (403, 403)


def test_merchants_cannot_reach_the_finance_pages(client, owner, receipt):
    client.force_login(owner)

    response = client.get(
        reverse("wallet_ops:invoice_download", kwargs={"public_id": receipt.public_id})
    )

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, receipt):
    response = client.get(
        reverse("wallet:invoice_download", kwargs={"public_id": receipt.public_id})
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_downloads_answer_only_get(client, owner, receipt):
    client.force_login(owner)

    response = client.post(
        reverse("wallet:invoice_download", kwargs={"public_id": receipt.public_id})
    )

    assert response.status_code == 405


def test_the_merchant_list_shows_each_orders_own_number_beside_its_code(client, owner, merchant):
    orders = two_paid_orders(merchant)
    issue_invoice(merchant, orders)
    client.force_login(owner)

    html = client.get(reverse("wallet:invoice_list")).content.decode()

    for order in orders:
        assert (
            f'<span class="font-monospace">{order.code}</span> '
            f'<span data-testid="invoice-order-number">{order.order_number}</span>'
        ) in html
    found = client.get(reverse("wallet:invoice_list"), {"q": orders[1].order_number})
    assert found.content.decode().count('data-testid="invoice-row"') == 1
