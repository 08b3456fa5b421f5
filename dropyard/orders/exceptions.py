"""Order errors with the contract's codes (contract §3: order and payment, logistics)."""

from dropyard.core.errors import DomainError, NotFound

ORDER_CREATE_FAILED = 1603000
ORDER_CONFIRM_FAILED = 1603001
ORDER_DELETE_FAILED = 1603002
ORDER_DUPLICATE = 1603003
ORDER_NOT_FOUND = 1603100
ORDER_PAYMENT_FAILED = 1603101
LOGISTIC_NOT_FOUND = 1605000
LOGISTIC_INVALID = 1605001
STATE_CHANGED = 8002  # updateLogistics: the order moved on meanwhile


class OrderError(DomainError):
    """An order operation was refused. Nothing was changed."""

    default_code = ORDER_CREATE_FAILED


class OrderNotFound(NotFound):
    """No such order for this merchant (also another merchant's order)."""

    default_code = ORDER_NOT_FOUND


class DuplicateOrder(OrderError):
    """The merchant already has an order with this orderNumber."""

    default_code = ORDER_DUPLICATE


class InvalidTransition(OrderError):
    """The order's current status does not allow this change."""

    default_code = ORDER_CONFIRM_FAILED
