"""Shipping address validation: table-driven, no database."""

import pytest

from dropyard.orders.address import MAX_LENGTHS, address_clean, address_errors
from dropyard.orders.models import Order

BASE = {
    "shipping_customer_name": "Jane Doe",
    "shipping_address": "1 Main Street",
    "shipping_city": "Springfield",
}


def _errors(**fields):
    return address_errors({**BASE, **fields})


@pytest.mark.parametrize(
    ("country", "province", "postcode"),
    [
        ("US", "IL", "62704"),
        ("US", "IL", "62704-1234"),
        ("CA", "ON", "K1A 0B1"),
        ("CA", "ON", "k1a0b1"),
        ("GB", "", "SW1A 1AA"),
        ("GB", "", "M1 1AE"),
        ("DE", "", "10115"),
        ("FR", "", "75001"),
        ("NL", "", "1012 AB"),
        ("NL", "", "1012ab"),
        ("AU", "NSW", "2000"),
        ("BR", "SP", "01310-100"),
        ("JP", "Tokyo", "100-0001"),
        ("CN", "Guangdong", "518000"),
        ("IN", "MH", "400001"),
        ("MX", "CDMX", "01000"),
        ("IT", "RM", "00118"),
        ("ES", "Madrid", "28001"),
        ("PL", "", "00-950"),
        ("IE", "", ""),  # no pattern known: any or no postcode
        ("HK", "", ""),
    ],
)
def test_valid_addresses(country, province, postcode):
    assert (
        _errors(shipping_country_code=country, shipping_province=province, shipping_zip=postcode)
        == {}
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"shipping_country_code": "US", "shipping_province": "IL", "shipping_zip": "6270"},
            {"shipping_zip"},
        ),
        (
            {"shipping_country_code": "US", "shipping_province": "IL", "shipping_zip": ""},
            {"shipping_zip"},
        ),
        (
            {"shipping_country_code": "US", "shipping_province": "", "shipping_zip": "62704"},
            {"shipping_province"},
        ),
        (
            {"shipping_country_code": "CA", "shipping_province": "ON", "shipping_zip": "12345"},
            {"shipping_zip"},
        ),
        ({"shipping_country_code": "GB", "shipping_zip": "12345"}, {"shipping_zip"}),
        ({"shipping_country_code": "DE", "shipping_zip": "1011"}, {"shipping_zip"}),
        ({"shipping_country_code": "NL", "shipping_zip": "AB 1012"}, {"shipping_zip"}),
        (
            {"shipping_country_code": "BR", "shipping_province": "SP", "shipping_zip": "0131-100"},
            {"shipping_zip"},
        ),
        (
            {"shipping_country_code": "JP", "shipping_province": "T", "shipping_zip": "10-0001"},
            {"shipping_zip"},
        ),
        ({"shipping_country_code": "XX"}, {"shipping_country_code"}),
        ({"shipping_country_code": "USA"}, {"shipping_country_code"}),
        ({"shipping_country_code": ""}, {"shipping_country_code"}),
        ({"shipping_country_code": "IE", "shipping_city": ""}, {"shipping_city"}),
        (
            {"shipping_country_code": "IE", "shipping_customer_name": " "},
            {"shipping_customer_name"},
        ),
        ({"shipping_country_code": "IE", "shipping_address": ""}, {"shipping_address"}),
        ({"shipping_country_code": "IE", "shipping_phone": "12ab34"}, {"shipping_phone"}),
        ({"shipping_country_code": "IE", "shipping_phone": "1234"}, {"shipping_phone"}),
        ({"shipping_country_code": "IE", "shipping_phone": "+" + "1" * 21}, {"shipping_phone"}),
        ({"shipping_country_code": "IE", "email": "not-an-email"}, {"email"}),
        ({"shipping_country_code": "IE", "shipping_city": "x" * 81}, {"shipping_city"}),
        ({"shipping_country_code": "IE", "shipping_address": "x" * 201}, {"shipping_address"}),
        ({"shipping_country_code": "IE", "tax_id": "x" * 41}, {"tax_id"}),
    ],
)
def test_invalid_addresses(fields, expected):
    assert set(_errors(**fields)) == expected


@pytest.mark.parametrize(
    "phone", ["+1 (213) 555-0100", "0049 30 1234567", "12345", "+86-755-1234-5678", ""]
)
def test_phone_shapes_accepted(phone):
    assert _errors(shipping_country_code="IE", shipping_phone=phone) == {}


def test_clean_normalises():
    cleaned = address_clean(
        {
            **BASE,
            "shipping_country_code": " gb ",
            "shipping_zip": " sw1a   1aa ",
            "shipping_phone": "+44  20 ",
        }
    )
    assert cleaned["shipping_country_code"] == "GB"
    assert cleaned["shipping_zip"] == "SW1A 1AA"
    assert cleaned["shipping_phone"] == "+44 20"
    assert cleaned["shipping_country"] == "United Kingdom"


def test_max_lengths_match_the_model():
    for name, limit in MAX_LENGTHS.items():
        assert Order._meta.get_field(name).max_length == limit, name
