"""Order errors with the contract's codes (contract §3: order and payment, logistics), and the
refusal of a parcel status move (``parcel_transitions``)."""

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


class OrderInvalid(OrderError):
    """The order's fields are invalid; ``extra["errors"]`` maps field → message (1603000)."""

    default_code = ORDER_CREATE_FAILED


class ConfirmRefused(OrderError):
    """The order cannot be confirmed (logistics miss, stock short) (1603001)."""

    default_code = ORDER_CONFIRM_FAILED


class DeleteRefused(OrderError):
    """Only CREATED / IN_CART orders with nothing reserved can be deleted (1603002)."""

    default_code = ORDER_DELETE_FAILED


class PaymentFailed(OrderError):
    """The payment was refused (not payable, not a sandbox order…) (1603101)."""

    default_code = ORDER_PAYMENT_FAILED


class StateChanged(OrderError):
    """The order moved on meanwhile (updateLogistics, 8002)."""

    default_code = STATE_CHANGED


class MergeRefused(OrderError):
    """Orders cannot be merged (or a merge undone) as asked; nothing was changed (1603000)."""

    default_code = ORDER_CREATE_FAILED


class ReplanRefused(OrderError):
    """An order's warehouse or line cannot change as asked (picking started, the line does not
    serve the destination from that warehouse, stock short…); nothing was changed (1603001)."""

    default_code = ORDER_CONFIRM_FAILED
    http_status = 409


class ParcelRefused(DomainError):
    """The parcel's status, or the input, does not allow this step (a status move, or one of the
    warehouse's steps in ``fulfillment.services``)."""

    http_status = 409
