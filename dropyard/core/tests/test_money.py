"""Money rules: pure unit tests, no database."""

from decimal import Decimal

import pytest

from dropyard.core.money import Money, currency_exponent, format_money


@pytest.mark.parametrize(
    ("value", "minor"),
    [
        ("12.345", 1235),
        ("12.344", 1234),
        ("0.005", 1),
        ("-0.005", -1),
        ("-12.345", -1235),
        (Decimal("1.2"), 120),
        (7, 700),
        ("12.3", 1230),
    ],
)
def test_from_decimal_rounds_half_up_to_cents(value, minor):
    assert Money.from_decimal(value, "USD") == Money(minor, "USD")


@pytest.mark.parametrize(("value", "minor"), [("1500", 1500), ("1500.5", 1501), ("1499.4", 1499)])
def test_from_decimal_jpy_has_no_minor_unit(value, minor):
    assert Money.from_decimal(value, "JPY") == Money(minor, "JPY")


def test_from_decimal_three_decimal_currency():
    assert Money.from_decimal("1.2345", "KWD") == Money(1235, "KWD")


def test_from_decimal_upper_cases_currency():
    assert Money.from_decimal("1", "eur") == Money(100, "EUR")


def test_from_decimal_refuses_float():
    with pytest.raises(TypeError, match="float"):
        Money.from_decimal(12.3, "USD")


def test_constructor_refuses_non_int_amounts():
    with pytest.raises(TypeError):
        Money(Decimal("1.00"), "USD")
    with pytest.raises(TypeError):
        Money(True, "USD")


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U5D"])
def test_constructor_refuses_bad_currency_codes(currency):
    with pytest.raises(ValueError, match="invalid currency"):
        Money(100, currency)


@pytest.mark.parametrize(
    ("money", "wire"),
    [
        (Money(1230, "USD"), "12.30"),
        (Money(5, "USD"), "0.05"),
        (Money(-1230, "USD"), "-12.30"),
        (Money(1500, "JPY"), "1500"),
        (Money(1235, "KWD"), "1.235"),
        (Money(0, "USD"), "0.00"),
    ],
)
def test_wire_format(money, wire):
    assert money.wire() == wire


def test_str_shows_amount_and_currency():
    assert str(Money(1230, "USD")) == "12.30 USD"


def test_to_decimal_is_exact():
    assert Money(1230, "USD").to_decimal() == Decimal("12.30")
    assert Money(1500, "JPY").to_decimal() == Decimal("1500")


def test_add_sub_and_negate_same_currency():
    a, b = Money(1000, "USD"), Money(250, "USD")

    assert (a + b, a - b, -a) == (Money(1250, "USD"), Money(750, "USD"), Money(-1000, "USD"))


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a - b])
def test_currency_mismatch_raises(op):
    with pytest.raises(ValueError, match="currency mismatch: USD vs EUR"):
        op(Money(100, "USD"), Money(100, "EUR"))


def test_combining_with_non_money_raises():
    with pytest.raises(TypeError):
        Money(100, "USD") + 1


def test_money_is_immutable():
    money = Money(100, "USD")

    with pytest.raises(AttributeError):
        money.amount_minor = 5


@pytest.mark.parametrize(("currency", "exponent"), [("USD", 2), ("jpy", 0), ("BHD", 3)])
def test_currency_exponent(currency, exponent):
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (1250, "usd", "$12.50"),
        (-300, "EUR", "-€3.00"),
        (1250, "JPY", "1250 JPY"),
        (1250, "CNY", "12.50 CNY"),
        (1250, "", "12.50"),
    ],
)
def test_format_money_as_pages_show_it(minor, currency, text):
    assert format_money(minor, currency) == text
