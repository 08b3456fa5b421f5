"""Errors raised by logistics services and selectors (contract §3 codes where one exists)."""

from dropyard.core.errors import DomainError, ErrorCode, NotFound

# Contract §3 codes that core.errors.ErrorCode does not name (yet).
VARIANT_NOT_FOUND = 1602000
PRODUCT_OFF_SHELF = 1602002
VARIANT_OFF_SHELF = 1602003
LOGISTIC_NOT_FOUND = 1605000
LOGISTIC_INVALID = 1605001
COUNTRY_NOT_FOUND = 1605002


class LogisticsError(DomainError):
    """A logistics rule refused the request (1600300 unless a subclass says otherwise)."""

    default_code = ErrorCode.PARAM_ERROR


class CountryNotFound(LogisticsError):
    """A country code is not ISO 3166-1 alpha-2 (1605002)."""

    default_code = COUNTRY_NOT_FOUND


class VariantNotFound(NotFound):
    """A vid/sku in a freight request does not exist (1602000)."""

    default_code = VARIANT_NOT_FOUND


class VariantOffSale(LogisticsError):
    """A variant (1602003) or its product (1602002) is off sale."""

    default_code = VARIANT_OFF_SHELF


class LogisticNotFound(NotFound):
    """No shipping line with that code or id (1605000)."""

    default_code = LOGISTIC_NOT_FOUND


class LogisticInvalid(LogisticsError):
    """The line cannot be used here, e.g. as a default for a country it has no rate to (1605001)."""

    default_code = LOGISTIC_INVALID


class ShippingLineInvalid(LogisticsError):
    """A shipping line's fields are invalid (unknown property, duplicate code or name…)."""


class RateCardFileInvalid(LogisticsError):
    """A rate-card CSV file cannot be read at all: too large, not UTF-8, missing columns."""


class TrackingInvalid(LogisticsError):
    """A tracking number or tracking event is malformed, or the number belongs to another
    merchant's shipment (1600300)."""


class TrackingNotFound(NotFound):
    """No tracking with that number or id for this caller."""
