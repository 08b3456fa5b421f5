"""Shipping lines, rate-card CSV import/export and default lines."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.logistics import csv_io, services
from dropyard.logistics.exceptions import (
    CountryNotFound,
    LogisticInvalid,
    RateCardFileInvalid,
    ShippingLineInvalid,
)
from dropyard.logistics.models import DefaultShippingLine, RateCard, ShippingLine
from dropyard.logistics.tests.factories import (
    CarrierFactory,
    RateCardFactory,
    ShippingLineFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(csv_io.COLUMNS)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _cards():
    return list(
        RateCard.objects.order_by("line__code", "dest_country", "postcode_prefix").values_list(
            "line__code",
            "origin_country",
            "dest_country",
            "postcode_prefix",
            "pricing_mode",
            "first_weight_g",
            "first_price_minor",
            "step_weight_g",
            "step_price_minor",
            "bands",
            "handling_fee_minor",
            "remote_surcharge_minor",
            "remote_postcode_prefixes",
            "min_days",
            "max_days",
        )
    )


# --- Shipping lines ----------------------------------------------------------------------------


def test_line_create_keeps_known_properties(operator_admin):
    carrier = CarrierFactory()

    line = services.shipping_line_create(
        actor=operator_admin,
        code="BATX",
        name="Battery Express",
        carrier=carrier,
        allowed_properties=["Battery", "magnetic", "battery"],
        max_weight_g=2000,
    )

    line.refresh_from_db()
    assert (line.code, line.allowed_properties, line.max_weight_g, line.volumetric_divisor) == (
        "BATX",
        ["battery", "magnetic"],
        2000,
        5000,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"allowed_properties": ["plutonium"]}, "Unknown product properties: plutonium"),
        ({"volumetric_divisor": 0}, "volumetric_divisor must be a whole number ≥ 1"),
        ({"max_weight_g": -1}, "max_weight_g must be a whole number ≥ 0"),
        ({"code": "TAKEN"}, "code 'TAKEN' already exists"),
        ({"name": "Taken Line"}, "named 'Taken Line' already exists"),
        ({"name": "  "}, "code and name are required"),
    ],
)
def test_line_create_refuses_invalid_fields(operator_admin, fields, message):
    ShippingLineFactory(code="TAKEN", name="Taken Line")
    values = {"code": "NEW", "name": "New Line", "carrier": CarrierFactory(), **fields}

    with pytest.raises(ShippingLineInvalid, match=message):
        services.shipping_line_create(actor=operator_admin, **values)

    assert ShippingLine.objects.count() == 1


def test_line_update_changes_only_given_fields(operator_admin):
    line = ShippingLineFactory(name="Old name", max_weight_g=500)

    services.shipping_line_update(
        line=line, actor=operator_admin, name="New name", allowed_properties=["liquid"]
    )

    line.refresh_from_db()
    assert (line.name, line.allowed_properties, line.max_weight_g) == ("New name", ["liquid"], 500)


def test_line_update_refuses_unknown_property(operator_admin):
    line = ShippingLineFactory(allowed_properties=["battery"])

    with pytest.raises(ShippingLineInvalid):
        services.shipping_line_update(line=line, actor=operator_admin, allowed_properties=["x"])

    line.refresh_from_db()
    assert line.allowed_properties == ["battery"]


def test_line_set_active(operator_admin):
    line = ShippingLineFactory()

    services.shipping_line_set_active(line=line, actor=operator_admin, is_active=False)

    assert ShippingLine.objects.get(pk=line.pk).is_active is False


# --- Rate-card CSV import ----------------------------------------------------------------------

GOOD_ROWS = (
    "ECO,CN,US,,first_additional,500,5.00,500,1.50,,0.75,3.00,SW1|BT,7,12",
    "ECO,CN,US,90,first_additional,500,4.00,500,1.25,,0,0,,5,9",
    "EXP,CN,DE,,bands,0,0,0,0,500:4.50|1000:6.00|2000:9.50,1,,,3,5",
)


@pytest.fixture
def lines():
    return ShippingLineFactory(code="ECO"), ShippingLineFactory(code="EXP")


def test_import_creates_cards_in_minor_units(lines, operator_admin):
    result = services.rate_cards_import_csv(file=csv_file(*GOOD_ROWS), actor=operator_admin)

    assert (result.ok, result.rows, result.created, result.updated) == (True, 3, 3, 0)
    assert result.summary == "3 rows: 3 created, 0 updated"
    assert _cards() == [
        ("ECO", "CN", "US", "", "first_additional", 500, 500, 500, 150, [], 75, 300,
         ["SW1", "BT"], 7, 12),
        ("ECO", "CN", "US", "90", "first_additional", 500, 400, 500, 125, [], 0, 0, [], 5, 9),
        ("EXP", "CN", "DE", "", "bands", 0, 0, 0, 0,
         [{"max_g": 500, "price_minor": 450}, {"max_g": 1000, "price_minor": 600},
          {"max_g": 2000, "price_minor": 950}], 100, 0, [], 3, 5),
    ]  # fmt: skip


def test_import_updates_existing_route(lines, operator_admin):
    eco, _exp = lines
    card = RateCardFactory(line=eco, first_price_minor=999, min_days=1, max_days=2)

    result = services.rate_cards_import_csv(file=csv_file(*GOOD_ROWS), actor=operator_admin)

    card.refresh_from_db()
    assert (result.created, result.updated) == (2, 1)
    assert (card.first_price_minor, card.min_days, card.max_days) == (500, 7, 12)
    assert RateCard.objects.count() == 3


def test_import_reports_every_row_error_and_writes_nothing(lines, operator_admin):
    eco, _exp = lines
    RateCardFactory(line=eco, first_price_minor=999)
    rows = (
        GOOD_ROWS[0],
        "NOPE,CN,US,,first_additional,500,5.00,500,1.50,,,,,7,12",
        "ECO,XX,US,,first_additional,500,5.005,500,abc,,,,,7,12",
        "EXP,CN,FR,,bands,,,,,500:4.50|400:3.00,,,,12,7",
        "EXP,CN,GB,,weird,,,,,,,,,,",
        GOOD_ROWS[0],
    )

    result = services.rate_cards_import_csv(file=csv_file(*rows), actor=operator_admin)

    assert result.ok is False
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "line_code", "unknown line 'NOPE'"),
        (4, "first_price", "has more than 2 decimal places: '5.005'"),
        (4, "origin_country", "unknown country code 'XX'"),
        (4, "step_price", "must be a decimal amount like 4.50, got 'abc'"),
        (5, "bands", "max_g must be strictly ascending"),
        (5, "max_days", "must be ≥ min_days (12)"),
        (6, "max_days", "is required"),
        (6, "min_days", "is required"),
        (6, "pricing_mode", "must be one of first_additional, bands, got 'weird'"),
        (7, "", "duplicates the route of row 2"),
    ]
    assert str(result.errors[0]) == "row 3, line_code: unknown line 'NOPE'"
    assert result.summary == "10 errors in 6 rows; nothing was imported"
    assert (result.created, result.updated) == (0, 0)
    assert _cards() == [
        ("ECO", "CN", "US", "", "first_additional", 500, 999, 500, 150, [], 0, 0, [], 7, 12)
    ]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("ECO,CN,US,,bands,,,,,,,,,1,2", "bands", "is required when pricing_mode is bands"),
        ("ECO,CN,US,,bands,,,,,500-4.50,,,,1,2", "bands", "each band is max_g:price"),
        ("ECO,CN,US,,,500,5,0,1.50,,,,,1,2", "step_weight_g", "must be > 0"),
        ("ECO,CN,US,,,-5,5,500,1,,,,,1,2", "first_weight_g", "whole number"),
        ("ECO,CN,US,,,500,-5,500,1,,,,,1,2", "first_price", "decimal amount ≥ 0"),
        ("ECO,CN,US,ABCDEFGHIJK,,500,5,500,1,,,,,1,2", "postcode_prefix", "longer than 10"),
        ("ECO,CN,US,,,500,5,500,1,,,,,1,999", "max_days", "at most 365"),
        (",CN,US,,,500,5,500,1,,,,,1,2", "line_code", "is required"),
    ],
)
def test_import_row_errors(lines, operator_admin, row, column, message):
    result = services.rate_cards_import_csv(file=csv_file(row), actor=operator_admin)

    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert message in result.errors[0].message
    assert RateCard.objects.count() == 0


def test_import_accepts_upload_with_bom_and_crlf(lines, operator_admin):
    text = "\ufeff" + "\r\n".join([HEADER, GOOD_ROWS[0], ""])
    upload = SimpleUploadedFile("cards.csv", text.encode("utf-8"), content_type="text/csv")

    result = services.rate_cards_import_csv(file=upload, actor=operator_admin)

    assert (result.ok, result.created) == (True, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("caf\xe9,x\n".encode("latin-1"), "not UTF-8", id="latin-1"),
        pytest.param(b"line_code,origin_country\nECO,CN\n", "lacks the columns: dest_country",
                     id="missing-columns"),
        pytest.param(HEADER.encode() + b"\n", "no rate-card rows", id="header-only"),
        pytest.param(b"", "lacks the columns", id="empty"),
    ],
)  # fmt: skip
def test_import_refuses_unreadable_files(lines, operator_admin, content, message):
    with pytest.raises(RateCardFileInvalid, match=re.escape(message)) as raised:
        services.rate_cards_import_csv(file=io.BytesIO(content), actor=operator_admin)

    assert raised.value.code == 1600300
    assert RateCard.objects.count() == 0


def test_import_refuses_files_over_the_limit(lines, operator_admin, monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_FILE_BYTES", 100)
    upload = SimpleUploadedFile("cards.csv", csv_file(*GOOD_ROWS))

    with pytest.raises(RateCardFileInvalid, match="larger than"):
        services.rate_cards_import_csv(file=upload, actor=operator_admin)
    with pytest.raises(RateCardFileInvalid, match="larger than"):
        services.rate_cards_import_csv(file=io.BytesIO(csv_file(*GOOD_ROWS)), actor=operator_admin)

    assert RateCard.objects.count() == 0


def test_export_then_import_round_trips(lines, operator_admin):
    services.rate_cards_import_csv(file=csv_file(*GOOD_ROWS), actor=operator_admin)
    before = _cards()

    exported = services.rate_cards_export_csv(queryset=RateCard.objects.all())
    RateCard.objects.all().delete()
    result = services.rate_cards_import_csv(file=exported.encode(), actor=operator_admin)
    again = services.rate_cards_import_csv(file=exported.encode(), actor=operator_admin)

    assert (result.created, again.created, again.updated) == (3, 0, 3)
    assert _cards() == before
    assert exported.splitlines()[0] == HEADER
    assert exported.splitlines()[3] == (
        "EXP,CN,DE,,bands,0,0.00,0,0.00,500:4.50|1000:6.00|2000:9.50,1.00,0.00,,3,5"
    )


# --- Audit of lines and imports ---------------------------------------------------------------


def _line_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.SHIPPING_LINE_CHANGED).order_by("pk"))


def test_line_create_update_and_set_active_are_audited(operator_admin):
    line = services.shipping_line_create(
        actor=operator_admin, code="AUD", name="Audited", carrier=CarrierFactory()
    )
    services.shipping_line_update(line=line, actor=operator_admin, name="Renamed", max_weight_g=9)
    services.shipping_line_set_active(line=line, actor=operator_admin, is_active=False)

    events = _line_events()
    assert {(e.actor, e.target_type, e.target_id) for e in events} == {
        (operator_admin, "logistics.ShippingLine", str(line.pk))
    }
    assert [e.details for e in events] == [
        {"change": "created", "code": "AUD"},
        {"change": "updated", "code": "AUD", "fields": ["max_weight_g", "name"]},
        {"change": "deactivated", "code": "AUD"},
    ]


def test_refused_line_writes_write_no_audit_event(operator_admin):
    line = ShippingLineFactory(code="TAKEN", name="Taken Line")

    with pytest.raises(ShippingLineInvalid):
        services.shipping_line_create(
            actor=operator_admin, code="TAKEN", name="Other", carrier=CarrierFactory()
        )
    with pytest.raises(ShippingLineInvalid):
        services.shipping_line_update(line=line, actor=operator_admin, volumetric_divisor=0)

    assert not _line_events()


def test_import_is_audited(lines, operator_admin):
    upload = SimpleUploadedFile("cards.csv", csv_file(*GOOD_ROWS))

    services.rate_cards_import_csv(file=upload, actor=operator_admin)

    event = AuditEvent.objects.get(action=AuditAction.RATE_CARDS_IMPORTED)
    assert (event.actor, event.target_label) == (operator_admin, "cards.csv")
    assert event.details == {"rows": 3, "created": 3, "updated": 0, "lines": ["ECO", "EXP"]}


def test_refused_import_writes_no_audit_event(lines, operator_admin):
    bad_row = "NOPE,CN,US,,first_additional,500,5.00,500,1.50,,,,,7,12"

    result = services.rate_cards_import_csv(file=csv_file(bad_row), actor=operator_admin)
    with pytest.raises(RateCardFileInvalid):
        services.rate_cards_import_csv(file="caf\xe9,x\n".encode("latin-1"), actor=operator_admin)

    assert result.ok is False
    assert not AuditEvent.objects.filter(action=AuditAction.RATE_CARDS_IMPORTED).exists()


# --- Default lines -----------------------------------------------------------------------------


def test_default_line_set_and_change_are_audited(merchant):
    first = RateCardFactory(dest_country="DE").line
    second = RateCardFactory(origin_country="US", dest_country="DE").line

    services.default_line_set(
        merchant=merchant, dest_country="de", line=first, fallback="cheapest", actor=merchant.owner
    )
    default = services.default_line_set(
        merchant=merchant, dest_country="DE", line=second, fallback="refuse", actor=merchant.owner
    )

    assert DefaultShippingLine.objects.get().pk == default.pk
    assert (default.dest_country, default.line_id, default.fallback) == ("DE", second.pk, "refuse")
    events = AuditEvent.objects.filter(action=AuditAction.DEFAULT_LINE_CHANGED).order_by("pk")
    assert [e.details for e in events] == [
        {
            "change": "set",
            "dest_country": "DE",
            "line": first.code,
            "fallback": "cheapest",
            "previous_line": None,
            "previous_fallback": None,
        },
        {
            "change": "set",
            "dest_country": "DE",
            "line": second.code,
            "fallback": "refuse",
            "previous_line": first.code,
            "previous_fallback": "cheapest",
        },
    ]
    assert {e.merchant_id for e in events} == {merchant.pk}
    assert {(e.actor, e.target_type, e.target_id) for e in events} == {
        (merchant.owner, "logistics.DefaultShippingLine", str(default.pk))
    }


@pytest.mark.parametrize(
    ("country", "make_line", "error", "message"),
    [
        ("FR", lambda: RateCardFactory(dest_country="DE").line, LogisticInvalid,
         "has no rate to FR from any origin"),
        ("DE", lambda: RateCardFactory(dest_country="DE", line__is_active=False).line,
         LogisticInvalid, "is not active"),
        ("ZZ", lambda: RateCardFactory(dest_country="DE").line, CountryNotFound, "not found"),
    ],
)  # fmt: skip
def test_default_line_set_refuses(merchant, country, make_line, error, message):
    line = make_line()

    with pytest.raises(error, match=message):
        services.default_line_set(
            merchant=merchant, dest_country=country, line=line, actor=merchant.owner
        )

    assert DefaultShippingLine.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.DEFAULT_LINE_CHANGED).exists()


def test_default_line_set_refuses_unknown_fallback(merchant):
    line = RateCardFactory(dest_country="DE").line

    with pytest.raises(LogisticInvalid, match="fallback"):
        services.default_line_set(
            merchant=merchant, dest_country="DE", line=line, fallback="x", actor=merchant.owner
        )


def test_default_line_clear(merchant, other_merchant):
    line = RateCardFactory(dest_country="DE").line
    for account in (merchant, other_merchant):
        services.default_line_set(
            merchant=account, dest_country="DE", line=line, actor=account.owner
        )

    cleared = services.default_line_clear(
        merchant=merchant, dest_country="de", actor=merchant.owner
    )
    again = services.default_line_clear(merchant=merchant, dest_country="DE", actor=merchant.owner)

    assert (cleared, again) == (True, False)
    assert list(DefaultShippingLine.objects.values_list("merchant_id", flat=True)) == [
        other_merchant.pk
    ]
    event = AuditEvent.objects.filter(action=AuditAction.DEFAULT_LINE_CHANGED).latest("pk")
    assert event.details == {
        "change": "cleared",
        "dest_country": "DE",
        "previous_line": line.code,
        "previous_fallback": "cheapest",
    }
