"""Parsing rate-card CSV rows and files (no database)."""

import pytest

from dropyard.logistics import csv_io
from dropyard.logistics.exceptions import RateCardFileInvalid

ROW = dict(
    zip(
        csv_io.COLUMNS,
        [
            "ECO",
            "cn",
            "us",
            "sw1 a",
            "",
            "500",
            "5",
            "500",
            "1.5",
            "",
            "",
            "",
            "bt| hs ,",
            "7",
            "12",
        ],
        strict=True,
    )
)


def test_parse_row_normalises_values():
    row, errors = csv_io.parse_row(2, ROW)

    assert errors == []
    assert row.key == ("ECO", "CN", "US", "SW1A")
    assert row.fields["pricing_mode"] == "first_additional"
    assert (row.fields["first_price_minor"], row.fields["step_price_minor"]) == (500, 150)
    assert row.fields["remote_postcode_prefixes"] == ["BT", "HS,"]


@pytest.mark.parametrize(
    ("value", "minor"),
    [("0", 0), ("4.5", 450), ("4.50", 450), ("1234567.89", 123456789), ("0.01", 1)],
)
def test_prices_become_minor_units(value, minor):
    errors = []
    assert csv_io.price_minor(value, on_error=errors.append) == minor
    assert errors == []


@pytest.mark.parametrize("value", ["4.505", "-1", "1e400000", "NaN", "4,50", "abc"])
def test_bad_prices_are_reported(value):
    errors = []
    assert csv_io.price_minor(value, on_error=errors.append) == 0
    assert len(errors) == 1


def test_parse_file_extra_cells_are_an_error():
    text = ",".join(csv_io.COLUMNS) + "\n" + "ECO,CN,US,,,500,5,500,1,,,,,7,12,extra\n"

    parsed = csv_io.parse_file(text)

    assert [(e.row, e.message) for e in parsed.errors] == [(2, "has more cells than the header")]
    assert parsed.rows == []


def test_parse_file_skips_blank_lines():
    text = ",".join(csv_io.COLUMNS) + "\n\n" + "ECO,CN,US,,,500,5,500,1,,,,,7,12\n,,,,\n"

    parsed = csv_io.parse_file(text)

    assert [(r.row, r.key) for r in parsed.rows] == [(3, ("ECO", "CN", "US", ""))]
    assert parsed.errors == []


def test_read_text_refuses_non_utf8():
    with pytest.raises(RateCardFileInvalid, match="not UTF-8"):
        csv_io.read_text(b"\xff\xfe\x00")
