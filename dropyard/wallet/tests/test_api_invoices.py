"""Dropyard's invoice extensions of the developer API (``invoice/list``, ``invoice/download``),
through the full stack with the ``cj`` client; scoped to the token's merchant."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import base64
import io

import pytest
from pypdf import PdfReader

from dropyard.checkout import services as checkout_services
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.wallet.models import Invoice
from dropyard.wallet.tests.payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db

LIST = "invoice/list"
DOWNLOAD = "invoice/download"
PARAM_ERROR = 1600300


@pytest.fixture
def documents(merchant, owner, world):
    """A receipt (the 100.00 top-up) and an invoice (one order paid from the wallet)."""
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    return {i.kind: i for i in Invoice.objects.filter(merchant=merchant)}


def test_invoice_list_is_paged_newest_first_and_filtered_by_kind(authed, documents):
    data = authed.get(LIST).ok()
    receipts = authed.get(LIST, {"kind": "receipt"}).ok()
    second_page = authed.get(LIST, {"pageNum": 2, "pageSize": 1}).ok()

    assert (data["pageNum"], data["pageSize"], data["total"]) == (1, 20, 2)
    assert [row["invoiceId"] for row in data["list"]] == [
        documents["invoice"].public_id,
        documents["receipt"].public_id,
    ]
    receipt = receipts["list"][0]
    assert receipts["total"] == 1
    assert (receipt["kind"], receipt["amount"], receipt["currency"]) == ("receipt", "100.00", "USD")
    assert receipt["number"] == documents["receipt"].number
    assert receipt["originalInvoiceId"] is None
    assert [row["invoiceId"] for row in second_page["list"]] == [documents["receipt"].public_id]


@pytest.mark.parametrize(
    "params",
    [{"pageNum": 0}, {"pageSize": 0}, {"pageSize": 101}, {"kind": "bill"}, {"pageNum": "x"}],
)
def test_invoice_list_refuses_bad_parameters(authed, documents, params):
    authed.get(LIST, params).error(PARAM_ERROR)


def test_invoice_download_returns_the_pdf_in_base64(authed, documents):
    invoice = documents["invoice"]

    data = authed.get(DOWNLOAD, {"invoiceId": invoice.public_id}).ok()

    pdf = base64.b64decode(data["contentBase64"])
    assert pdf.startswith(b"%PDF-")
    assert (data["size"], data["contentType"]) == (len(pdf), "application/pdf")
    assert (data["invoiceId"], data["fileName"]) == (invoice.public_id, f"{invoice.number}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert invoice.number in text


def test_another_merchants_invoices_are_invisible(other_cj, documents):
    listed = other_cj.get(LIST).ok()
    message = other_cj.get(DOWNLOAD, {"invoiceId": documents["invoice"].public_id}).error(
        PARAM_ERROR
    )

    assert (listed["total"], listed["list"]) == (0, [])
    assert message == "No such invoice"


def test_invoice_download_needs_an_id(authed):
    authed.get(DOWNLOAD).error(PARAM_ERROR)
    authed.get(DOWNLOAD, {"invoiceId": "nope"}).error(PARAM_ERROR)


def test_invoice_endpoints_need_a_token(cj):
    cj.get(LIST, token=None).error(1600002)
    cj.get(DOWNLOAD, {"invoiceId": "x"}, token=None).error(1600002)
