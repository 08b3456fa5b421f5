"""The wallet operations' real answers match what openapi.json documents for them (balance,
makeup pay orders, invoices), captured through the conformance client."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.checkout import services as checkout_services
from dropyard.core.testing.openapi import answer_problems, openapi_document
from dropyard.orders.tests.api_fixtures import authed, world  # noqa: F401
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupType
from dropyard.wallet.models import Invoice
from dropyard.wallet.tests.payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    """The served document, fetched once (it reads no database)."""
    return openapi_document()


def test_wallet_answers_match_the_document(authed, merchant, owner, world, document):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    invoice = Invoice.objects.filter(merchant=merchant, kind="invoice").get()
    bill = wallet_bills.makeup_create(
        merchant=merchant, amount_minor=250, reason="weight difference", type=MakeupType.FREIGHT
    )
    wallet_bills.makeup_create(
        merchant=merchant,
        related_order=order,
        amount_minor=120,
        reason="price difference",
        type=MakeupType.PRODUCT,
    )

    answers = {
        ("GET", "shopping/pay/getBalance"): authed.get("shopping/pay/getBalance"),
        ("POST", "shopping/makeup/createPayOrder"): authed.post(
            "shopping/makeup/createPayOrder", {"orderCodes": [bill.code]}
        ),
        ("POST", "shopping/makeup/list"): authed.post("shopping/makeup/list", {}),
        ("GET", "invoice/list"): authed.get("invoice/list"),
        ("GET", "invoice/download"): authed.get(
            "invoice/download", {"invoiceId": invoice.public_id}
        ),
    }

    problems = {
        key: answer_problems(document, *key, response.body) for key, response in answers.items()
    }
    assert problems == dict.fromkeys(answers, [])
    assert answers["GET", "invoice/list"].data["total"] == 2  # the top-up receipt and the invoice
    bills = answers["POST", "shopping/makeup/list"].data["content"]
    assert [b["relationOrderId"] for b in bills] == [order.public_id, None]
