"""CSV parsing table tests: layout, grouping into orders, per-row errors. No database."""

import pytest

from dropyard.orders import csv_io
from dropyard.orders.csv_io import FileRefused, decode, parse

HEADER = "order_number,customer_name,country_code,province,city,zip,address,sku,quantity"
ROW = "{n},Jane Doe,US,CA,Los Angeles,90001,1 Main St,{sku},{q}"


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def test_rows_sharing_an_order_number_form_one_order_with_their_lines():
    text = _csv(
        ROW.format(n="A-1", sku="RED", q=2),
        ROW.format(n="A-2", sku="RED", q=1),
        "A-1,,,,,,,BLUE,3",
    )

    result = parse(text)

    assert [o.order_number for o in result.orders] == ["A-1", "A-2"]
    first = result.orders[0]
    assert first.lines == [2, 4]
    assert first.errors == []
    assert first.item["lines"] == [{"sku": "RED", "quantity": 2}, {"sku": "BLUE", "quantity": 3}]
    assert first.item["shipping_customer_name"] == "Jane Doe"
    assert first.item["shipping_country_code"] == "US"
    assert result.rows == 3


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (ROW.format(n="B-1", sku="RED", q="two"), "quantity 'two' is not a whole number"),
        (ROW.format(n="B-1", sku="RED", q="0"), "quantity must be between 1 and 10000"),
        (ROW.format(n="B-1", sku="RED", q="1.5"), "quantity '1.5' is not a whole number"),
        (ROW.format(n="B-1", sku="RED", q=""), "quantity is required"),
        (ROW.format(n="B-1", sku="", q="1"), "sku or vid is required"),
        ("B-1,Jane,US,CA,LA,90001", "expected 9 values, found 6 (check commas and quotes)"),
    ],
)
def test_a_broken_row_is_reported_with_its_line_and_reason(row, reason):
    result = parse(_csv(ROW.format(n="OK-1", sku="RED", q=1), row))

    assert [o.order_number for o in result.good] == ["OK-1"]
    [bad] = result.bad
    assert [(e.line, e.order_number, e.reason) for e in bad.errors] == [(3, "B-1", reason)]


def test_a_broken_line_spoils_its_whole_order_only():
    result = parse(
        _csv(
            ROW.format(n="C-1", sku="RED", q=1),
            "C-1,,,,,,,BLUE,x",
            ROW.format(n="C-2", sku="RED", q=1),
        )
    )

    assert [o.order_number for o in result.good] == ["C-2"]
    assert [(e.line, e.reason) for e in result.bad[0].errors] == [
        (3, "quantity 'x' is not a whole number")
    ]


def test_a_later_row_may_not_contradict_its_orders_address():
    result = parse(_csv(ROW.format(n="D-1", sku="RED", q=1), "D-1,,DE,,,,,BLUE,1"))

    assert [(e.line, e.reason) for e in result.bad[0].errors] == [
        (3, "country_code differs from this order's first row")
    ]


def test_missing_order_number_is_a_file_level_row_error():
    result = parse(_csv(",Jane,US,CA,LA,90001,1 Main,RED,1", ROW.format(n="E-1", sku="R", q=1)))

    assert [(e.line, e.reason) for e in result.file_errors] == [(2, "order_number is required")]
    assert [o.order_number for o in result.good] == ["E-1"]


def test_malformed_quoting_is_reported_and_later_rows_still_parse():
    text = _csv(ROW.format(n="F-1", sku="RED", q=1), 'F-2,"Jane "x" Doe,US', "")
    result = parse(text)

    assert [o.order_number for o in result.good] == ["F-1"]
    assert result.file_errors[0].line == 3
    assert result.file_errors[0].reason.startswith("malformed CSV:")


def test_quoted_multiline_values_count_lines_from_the_record_start():
    text = _csv('G-1,"Jane\nDoe",US,CA,LA,90001,1 Main,RED,1', ROW.format(n="G-2", sku="R", q="x"))

    result = parse(text)

    assert result.orders[0].item["shipping_customer_name"] == "Jane\nDoe"
    assert result.bad[0].errors[0].line == 4


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("order_number,customer_name,city", "missing columns: country_code, address, "),
        (HEADER + ",colour", "unknown column: colour; use the template's columns"),
        (HEADER + ",SKU", "column given twice: sku"),
    ],
)
def test_a_bad_header_refuses_the_file(header, message):
    with pytest.raises(FileRefused) as exc:
        parse(header + "\r\n")

    assert str(exc.value).startswith(message)


def test_empty_file_is_refused():
    with pytest.raises(FileRefused, match="empty or has no header"):
        parse("")


def test_header_names_are_matched_loosely_and_bom_is_dropped():
    header = "Order Number,customerName,COUNTRY_CODE,province,city,zip,address,vid,quantity"
    data = ("\ufeff" + _csv("H-1,Jane,us,CA,LA,90001,1 Main,123,1", header=header)).encode()

    result = parse(decode(data))

    assert result.orders[0].item["shipping_country_code"] == "US"
    assert result.orders[0].item["lines"] == [{"vid": "123", "quantity": 1}]


def test_non_utf8_is_refused():
    with pytest.raises(FileRefused, match="not UTF-8"):
        decode("order_number,café".encode("latin-1"))


def test_template_parses_into_one_two_line_order():
    result = parse(csv_io.template_csv())

    [order] = result.orders
    assert order.errors == []
    assert order.item["lines"] == [
        {"sku": "YOUR-SKU-1", "quantity": 2},
        {"sku": "YOUR-SKU-2", "quantity": 1},
    ]


def test_error_report_neutralises_formulas():
    text = csv_io.error_report_csv([{"line": 2, "order_number": "=cmd()", "reason": "bad"}])

    assert text == "line,order_number,reason\r\n2,'=cmd(),bad\r\n"
