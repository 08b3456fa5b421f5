"""Money as integer minor units plus an ISO 4217 currency code. Never float."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Currencies whose minor unit is not 2 decimal places (ISO 4217).
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "HUF": 2,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
}


def currency_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount. Invariant: ``amount_minor`` is an int; ``currency`` is 3 upper letters."""

    amount_minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"invalid currency code {self.currency!r}")

    @classmethod
    def from_decimal(cls, value: Decimal | str | int, currency: str = "USD") -> "Money":
        """Parse an external decimal amount (``Decimal(str(value))`` at the boundary), half up."""
        if isinstance(value, float):
            raise TypeError("refusing float; pass a str or Decimal")
        exp = currency_exponent(currency)
        quantum = Decimal(1).scaleb(-exp)
        minor = (Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)).scaleb(exp)
        return cls(int(minor), currency.upper())

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-currency_exponent(self.currency))

    def wire(self) -> str:
        """The contract's decimal string form, e.g. ``"12.30"``."""
        exp = currency_exponent(self.currency)
        return f"{self.to_decimal():.{exp}f}"

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError("can only combine Money with Money")
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount_minor, self.currency)

    def __str__(self) -> str:
        return f"{self.wire()} {self.currency}"


_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount_minor: int, currency: str) -> str:
    """How pages show an amount: "$12.50", "-€3.00", "1250 JPY", "12.50 CNY"; with no
    currency ("") the plain decimal of a two-decimal currency ("12.50")."""
    if not currency:
        return Money(amount_minor, "USD").wire()
    currency = currency.upper()
    amount = Money(amount_minor, currency).wire()
    negative = amount.startswith("-")
    amount = amount.lstrip("-")
    symbol = _SYMBOLS.get(currency)
    text = f"{symbol}{amount}" if symbol else f"{amount} {currency}"
    return f"-{text}" if negative else text
