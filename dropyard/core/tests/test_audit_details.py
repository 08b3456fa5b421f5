"""An audit event's details as the audit log shows them (pure rules, no database)."""

import pytest
from django.utils import translation

from dropyard.core.audit_details import audit_details_rows, details_label


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("hold_reason", "Hold reason"),
        ("amount_minor", "Amount"),
        ("messageId", "Message id"),
        ("tracking_number", "Tracking number"),
        ("via", "Via"),
    ],
)
def test_keys_read_as_labels(key, label):
    assert details_label(key) == label


def test_amounts_show_in_their_currency_and_the_currency_is_not_repeated():
    rows = audit_details_rows(
        {"amount_minor": 125050, "fee_minor": -300, "currency": "usd", "transaction": "TX8F2"}
    )

    assert rows == [("Amount", "$1250.50"), ("Fee", "-$3.00"), ("Transaction", "TX8F2")]


def test_other_currencies_and_an_unknown_currency():
    assert audit_details_rows({"amount_minor": 1250, "currency": "JPY"}) == [("Amount", "1250 JPY")]
    assert audit_details_rows({"price_minor": 1999}) == [("Price", "19.99")]


def test_an_id_beside_its_code_is_left_out():
    rows = audit_details_rows({"product_id": 41, "product": "PRD-7XK2", "variant_id": 9})

    assert rows == [("Product", "PRD-7XK2"), ("Variant id", "9")]


def test_nested_values_lists_and_flags_read_as_text():
    rows = audit_details_rows(
        {
            "before": {"status": "HELD", "flagged": False},
            "orders": ["DY00000001", "DY00000002"],
            "short": [{"sku": "SKU-1", "shipped": 1, "planned": 2}],
            "prices": [{"sku": "A", "price_minor": 500, "currency": "EUR"}],
            "weight_confirmed": True,
            "note": "",
        }
    )

    assert rows == [
        ("Before", "Status: HELD, Flagged: No"),
        ("Orders", "DY00000001, DY00000002"),
        ("Short", "(Sku: SKU-1, Shipped: 1, Planned: 2)"),
        ("Prices", "(Sku: A, Price: €5.00)"),
        ("Weight confirmed", "Yes"),
        ("Note", "—"),
    ]


def test_long_text_is_cut_and_empty_details_give_no_rows():
    [(label, text)] = audit_details_rows({"reason": "x" * 300})

    assert (label, len(text), text[-1]) == ("Reason", 120, "…")
    assert audit_details_rows({}) == []
    assert audit_details_rows(None) == []


def test_yes_and_no_are_translated():
    with translation.override("zh-hans"):
        rows = audit_details_rows({"on_sale": True})

    assert rows == [("On sale", "是")]
