"""Wallet errors, with the contract's numeric codes where one exists (contract §3, pay section).

Every error means nothing was changed: services raise inside their transaction, so the
ledger rows, balances and records they would have written are rolled back.
"""

from dropyard.core.errors import DomainError, NotFound

__all__ = [
    "BALANCE_PAYMENT_RESTRICTED",
    "INSUFFICIENT_BALANCE",
    "InsufficientBalance",
    "InvoiceNotFound",
    "LedgerImbalance",
    "PaymentRefused",
    "PayoutRefused",
    "TopUpNotFound",
    "TopUpRefused",
    "WalletError",
]

# Contract §3 codes for balance payments that core.errors.ErrorCode does not name.
INSUFFICIENT_BALANCE = 1604000
BALANCE_PAYMENT_RESTRICTED = 1604001


class WalletError(DomainError):
    """Base of wallet refusals. Nothing was changed."""


class InsufficientBalance(WalletError):
    """A wallet account would go below zero (1604000). Nothing was posted."""

    default_code = INSUFFICIENT_BALANCE
    http_status = 409


class LedgerImbalance(WalletError):
    """A posting's entries do not sum to zero per currency (a programming error). Nothing was
    written."""

    http_status = 500


class TopUpRefused(WalletError):
    """A top-up cannot be created, credited, failed or decided (amount below the minimum,
    wrong state, bad proof upload…)."""


class TopUpNotFound(NotFound):
    """No top-up with that id for this merchant."""


class InvoiceNotFound(NotFound):
    """No billing document (invoice, receipt, credit note) with that id for this merchant."""


class PaymentRefused(WalletError):
    """A payment cannot be made (wrong state, nothing to pay, method not allowed…)."""

    http_status = 409


class PayoutRefused(WalletError):
    """A supplier payout cannot be requested or moved (over the available payable, wrong
    status, missing reason or reference…)."""

    http_status = 409
