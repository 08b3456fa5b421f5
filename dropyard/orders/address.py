"""Shipping address validation per destination country. Pure: no database, no settings.

``address_errors(fields)`` returns ``{field: message}`` (empty when the address is acceptable);
``address_clean(fields)`` returns the stripped, normalised copy the services store. Field names
are the ``Order`` model's (``shipping_country_code``, ``shipping_zip``, …), so a form or the API
can show each message beside its input.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.core.text import clean_line

# Field → max length, the Order model's CharField limits (kept here so this module stays pure;
# test_address checks they match the model).
MAX_LENGTHS: dict[str, int] = {
    "shipping_country_code": 2,
    "shipping_country": 80,
    "shipping_province": 80,
    "shipping_city": 80,
    "shipping_county": 80,
    "shipping_zip": 20,
    "shipping_address": 200,
    "shipping_address2": 200,
    "house_number": 20,
    "shipping_customer_name": 100,
    "shipping_phone": 30,
    "email": 254,
    "tax_id": 40,
    "consignee_id": 40,
}
ADDRESS_FIELDS = tuple(MAX_LENGTHS)
REQUIRED = ("shipping_customer_name", "shipping_address", "shipping_city", "shipping_country_code")

# Countries whose addresses are not deliverable without a province / state.
PROVINCE_REQUIRED = frozenset({"US", "CA", "AU", "BR", "MX", "IT", "ES", "CN", "IN", "JP", "AR"})

# Postcode shapes where known (matched against the upper-cased, trimmed value). A country not
# listed here takes any postcode (or none); a listed country requires one.
POSTCODE_PATTERNS: dict[str, str] = {
    "US": r"\d{5}(-\d{4})?",
    "CA": r"[ABCEGHJ-NPRSTVXY]\d[A-Z] ?\d[A-Z]\d",
    "GB": r"(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "IT": r"\d{5}",
    "ES": r"\d{5}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "BE": r"\d{4}",
    "AT": r"\d{4}",
    "CH": r"\d{4}",
    "DK": r"\d{4}",
    "NO": r"\d{4}",
    "SE": r"\d{3} ?\d{2}",
    "FI": r"\d{5}",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "CZ": r"\d{3} ?\d{2}",
    "AU": r"\d{4}",
    "NZ": r"\d{4}",
    "BR": r"\d{5}-?\d{3}",
    "MX": r"\d{5}",
    "JP": r"\d{3}-?\d{4}",
    "CN": r"\d{6}",
    "IN": r"\d{6}",
    "KR": r"\d{5}",
    "RU": r"\d{6}",
    "SG": r"\d{6}",
}
_POSTCODE_RE = {code: re.compile(rf"^{pattern}$") for code, pattern in POSTCODE_PATTERNS.items()}
_POSTCODE_EXAMPLE = {
    "US": "12345 or 12345-6789",
    "CA": "A1A 1A1",
    "GB": "SW1A 1AA",
    "NL": "1234 AB",
    "BR": "12345-678",
    "JP": "123-4567",
    "PL": "12-345",
    "PT": "1234-567",
}
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()./]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 5, 20


def _text(value: Any) -> str:
    # Control and bidi characters never reach a label or a packing slip (core.text).
    return clean_line(value)


def address_clean(fields: Mapping[str, Any]) -> dict[str, str]:
    """Every address field as printable one-line text (``core.text.clean_line``: control and
    bidi characters stripped, whitespace collapsed); country code upper case; postcode upper
    case (letters in GB/CA/NL codes)."""
    cleaned = {name: _text(fields.get(name)) for name in ADDRESS_FIELDS}
    cleaned["shipping_country_code"] = cleaned["shipping_country_code"].upper()
    cleaned["shipping_zip"] = " ".join(cleaned["shipping_zip"].upper().split())
    cleaned["shipping_phone"] = " ".join(cleaned["shipping_phone"].split())
    if not cleaned["shipping_country"] and cleaned["shipping_country_code"] in countries:
        cleaned["shipping_country"] = str(countries.name(cleaned["shipping_country_code"]))[:80]
    return cleaned


def postcode_error(country_code: str, postcode: str) -> str | None:
    """Why ``postcode`` is not a postcode of ``country_code``, or None."""
    pattern = _POSTCODE_RE.get(country_code)
    if pattern is None:
        return None
    if not postcode:
        return _("a postcode is required for %(country)s") % {"country": country_code}
    if not pattern.match(postcode.upper().strip()):
        example = _POSTCODE_EXAMPLE.get(country_code)
        if example:
            return _(
                "%(postcode)r is not a valid %(country)s postcode (expected like %(example)s)"
            ) % {
                "postcode": postcode,
                "country": country_code,
                "example": example,
            }
        return _("%(postcode)r is not a valid %(country)s postcode") % {
            "postcode": postcode,
            "country": country_code,
        }
    return None


def phone_error(phone: str) -> str | None:
    """Why ``phone`` is not a phone number (digits, optional leading +, spaces, dashes,
    brackets, dots; 5-20 digits), or None. Empty is allowed."""
    if not phone:
        return None
    if not _PHONE_CHARS.match(phone):
        return _("phone may contain only digits, a leading +, spaces, dashes and brackets")
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        return _("phone must have %(min)s to %(max)s digits") % {
            "min": PHONE_MIN_DIGITS,
            "max": PHONE_MAX_DIGITS,
        }
    return None


def address_errors(fields: Mapping[str, Any]) -> dict[str, str]:
    """``{field: message}`` for everything wrong with the address; empty when it is valid.

    Checks: field lengths (the model's), required fields, ISO 3166-1 alpha-2 country code,
    province where the country needs one (``PROVINCE_REQUIRED``), postcode presence and shape
    where known (``POSTCODE_PATTERNS``), phone shape, e-mail shape when given. One message per
    field (the first problem found).
    """
    data = address_clean(fields)
    errors: dict[str, str] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, message)

    for name, limit in MAX_LENGTHS.items():
        if len(data[name]) > limit:
            add(name, _("at most %(limit)s characters") % {"limit": limit})
    for name in REQUIRED:
        if not data[name]:
            add(name, _("this field is required"))
    code = data["shipping_country_code"]
    if code and (len(code) != 2 or code not in countries):
        add(
            "shipping_country_code",
            _("%(code)r is not an ISO 3166-1 alpha-2 country code") % {"code": code},
        )
    elif code:
        if code in PROVINCE_REQUIRED and not data["shipping_province"]:
            add(
                "shipping_province",
                _("a province or state is required for %(country)s") % {"country": code},
            )
        message = postcode_error(code, data["shipping_zip"])
        if message:
            add("shipping_zip", message)
    message = phone_error(data["shipping_phone"])
    if message:
        add("shipping_phone", message)
    if data["email"] and not _EMAIL.match(data["email"]):
        add("email", _("%(email)r is not an e-mail address") % {"email": data["email"]})
    return errors
