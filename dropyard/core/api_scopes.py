"""API key scopes: what each developer-API operation needs, in one table.

A key is created with a set of scopes (``accounts.ApiKey.scopes``); every token issued from it
carries them. ``operation_scope(method, path)`` is the only place that says which scope an
operation needs:

1. an entry in ``OPERATION_SCOPES`` (method + path relative to ``/api2.0/v1/``), else
2. ``read`` for a GET: reading never changes anything, so new read operations are covered
   without an entry (a GET that does change something must have an entry);
3. anything else is *unmapped*: ``UNMAPPED``. The route-matrix test fails for it, and until it
   is mapped only a key holding every scope may call it (fail closed for restricted keys).

``DropyardAPI`` resolves each operation's scope when it binds its routers and notes it on the
request (``required_scope``) before auth runs; the auth class then calls ``scope_check`` with the
token's scopes. Public operations (``auth=None``) need no scope. A refusal is 1600001 naming the
missing scope, and nothing is changed (the check runs before the operation).
"""

from collections.abc import Collection

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dropyard.core.errors import DomainError, ErrorCode


class ApiScope(models.TextChoices):
    """The scopes an API key may hold. A write scope does not include ``read``."""

    READ = "read", _("Read")
    ORDERS = "orders", _("Orders")
    PAYMENTS = "payments", _("Payments")
    PRODUCTS = "products", _("Products & sourcing")
    STORES = "stores", _("Stores")
    WEBHOOKS = "webhooks", _("Webhooks")


SCOPE_DESCRIPTIONS: dict[str, str] = {
    ApiScope.READ: "Read the catalog, stock, freight quotes, orders, tracking, invoices, "
    "wallet balance and settings (every GET, and the POST queries).",
    ApiScope.ORDERS: "Create, change, confirm, merge and delete orders; cart and parent orders; "
    "support tickets; open and cancel disputes.",
    ApiScope.PAYMENTS: "Pay orders and supplementary bills from the wallet.",
    ApiScope.PRODUCTS: "Add products to My Products; sourcing requests.",
    ApiScope.STORES: "Authorize stores, list products on them, connect store products.",
    ApiScope.WEBHOOKS: "Set the webhook callback URLs.",
}

ALL_SCOPES: tuple[str, ...] = tuple(ApiScope.values)

# Needs a live token and nothing more (ending one's own session).
ANY_SCOPE = "any"
# operation_scope's answer for an operation with no entry and no rule.
UNMAPPED = "unmapped"

READ_METHODS = frozenset({"GET", "HEAD"})

OPERATION_SCOPES: dict[tuple[str, str], str] = {
    ("POST", "authentication/logout"): ANY_SCOPE,
    # GETs that change something.
    ("GET", "authentication/getAuthorizeUrl"): ApiScope.STORES,
    # POSTs that only read (CJ sends some queries as POST).
    ("POST", "logistic/freightCalculate"): ApiScope.READ,
    ("POST", "logistic/freightCalculateTip"): ApiScope.READ,
    ("POST", "logistic/unavailableShippingMethods"): ApiScope.READ,
    ("POST", "shopping/order/getOrderDetailBatch"): ApiScope.READ,
    ("POST", "shopping/order/list"): ApiScope.READ,
    ("POST", "shopping/makeup/list"): ApiScope.READ,
    ("POST", "shopping/mergeOrder/autoMergeQueryProgress"): ApiScope.READ,
    ("POST", "shopping/mergeOrder/autoMergeQueryResult"): ApiScope.READ,
    ("POST", "shopping/mergeOrder/submitProgress"): ApiScope.READ,
    ("POST", "shopping/mergeOrder/submitResult"): ApiScope.READ,
    ("POST", "product/queryProductsByImage"): ApiScope.READ,
    ("POST", "shopping/order/queryCogsBasicDataOrderInfoList"): ApiScope.READ,
    ("POST", "product/stock/privateInventory/querySpuPage"): ApiScope.READ,
    ("POST", "product/stock/privateInventory/querySkuListByProductId"): ApiScope.READ,
    ("POST", "product/stock/privateInventory/querySkuDetailPage"): ApiScope.READ,
    ("POST", "product/stock/privateInventory/querySkuDetailListBySku"): ApiScope.READ,
    ("POST", "product/stock/privateInventory/querySkuFlowByCondition"): ApiScope.READ,
    ("POST", "shopping/privateInventory/getCart"): ApiScope.READ,
    ("POST", "storehouseCenterWeb/syncStorehouseVideoRequests"): ApiScope.READ,
    ("POST", "shopping/privateInventory/order/list"): ApiScope.READ,
    ("POST", "disputes/disputeConfirmInfo"): ApiScope.READ,
    ("POST", "product/sourcing/query"): ApiScope.READ,
    # Orders.
    ("POST", "shopping/order/createOrder"): ApiScope.ORDERS,
    ("POST", "shopping/order/createOrderV2"): ApiScope.ORDERS,
    ("POST", "shopping/order/createOrderV3"): ApiScope.ORDERS,
    ("POST", "shopping/order/addCart"): ApiScope.ORDERS,
    ("POST", "shopping/order/addCartConfirm"): ApiScope.ORDERS,
    ("POST", "shopping/order/saveGenerateParentOrder"): ApiScope.ORDERS,
    ("PATCH", "shopping/order/confirmOrder"): ApiScope.ORDERS,
    ("DELETE", "shopping/order/deleteOrder"): ApiScope.ORDERS,
    ("POST", "shopping/order/changeWarehouse"): ApiScope.ORDERS,
    ("POST", "shopping/order/updateLogistics"): ApiScope.ORDERS,
    ("POST", "shopping/mergeOrder/autoMatchMergeOrderListV3"): ApiScope.ORDERS,
    ("POST", "shopping/mergeOrder/submitMergeOrderBatchV3"): ApiScope.ORDERS,
    ("POST", "shopping/sandbox/updateStatus"): ApiScope.ORDERS,
    ("POST", "shopping/sandbox/updateTrackNumber"): ApiScope.ORDERS,
    # Disputes are claims on orders.
    ("POST", "disputes/create"): ApiScope.ORDERS,
    ("POST", "disputes/cancel"): ApiScope.ORDERS,
    # The purchase cart (stock bought into private inventory); createOrder with payType 2 also
    # needs payments (scope_require).
    ("POST", "shopping/privateInventory/addToCart"): ApiScope.ORDERS,
    ("POST", "shopping/privateInventory/removeFromCart"): ApiScope.ORDERS,
    ("POST", "shopping/privateInventory/createOrder"): ApiScope.ORDERS,
    # Tickets to management (after-sales questions about orders and the account).
    ("POST", "ticket/create"): ApiScope.ORDERS,
    ("POST", "ticket/order/create"): ApiScope.ORDERS,
    ("POST", "ticket/reply"): ApiScope.ORDERS,
    ("POST", "ticket/complete"): ApiScope.ORDERS,
    ("POST", "ticket/remind"): ApiScope.ORDERS,
    ("POST", "ticket/evaluate"): ApiScope.ORDERS,
    ("POST", "ticket/attachment/upload"): ApiScope.ORDERS,
    # Payments.
    ("POST", "shopping/pay/payBalance"): ApiScope.PAYMENTS,
    ("POST", "shopping/pay/payBalanceV2"): ApiScope.PAYMENTS,
    ("POST", "shopping/makeup/createPayOrder"): ApiScope.PAYMENTS,
    ("POST", "shopping/sandbox/simulatePay"): ApiScope.PAYMENTS,
    # Products and sourcing.
    ("POST", "product/addToMyProduct"): ApiScope.PRODUCTS,
    ("POST", "product/sourcing/create"): ApiScope.PRODUCTS,
    # Stores.
    ("POST", "product/conn/connection"): ApiScope.STORES,
    ("DELETE", "product/conn/connection"): ApiScope.STORES,
    ("POST", "store/product/saveProduct"): ApiScope.STORES,
    ("POST", "store/product/saveVariantBatch"): ApiScope.STORES,
    # Webhooks.
    ("POST", "webhook/set"): ApiScope.WEBHOOKS,
}


def operation_scope(method: str, path: str) -> str:
    """The scope ``method path`` needs: a scope, ``ANY_SCOPE`` or ``UNMAPPED`` (module doc)."""
    method = method.upper()
    scope = OPERATION_SCOPES.get((method, path))
    if scope is not None:
        return str(scope)
    if method in READ_METHODS:
        return ApiScope.READ
    return UNMAPPED


class ScopeMissing(DomainError):
    """The API key behind the token does not hold the scope this operation needs (1600001)."""

    default_code = ErrorCode.INVALID_TOKEN
    http_status = 403


_REQUEST_ATTR = "dropyard_required_scope"


def required_scope_note(request: HttpRequest, *, method: str, path: str, scope: str) -> None:
    """Note on the request what the operation it is about to run needs (``DropyardAPI``)."""
    setattr(request, _REQUEST_ATTR, (method, path, scope))


def scope_check(request: HttpRequest, granted: Collection[str]) -> None:
    """Refuse the request (``ScopeMissing``) unless ``granted`` covers its operation's scope.

    A request with no noted operation (not served by ``DropyardAPI``) is refused too.
    """
    noted: tuple[str, str, str] | None = getattr(request, _REQUEST_ATTR, None)
    if noted is None:
        raise ScopeMissing("This API key may not call this operation")
    method, path, scope = noted
    if scope == ANY_SCOPE:
        return
    if scope == UNMAPPED:
        if set(ALL_SCOPES) <= set(granted):
            return
        raise ScopeMissing(
            f"{method} {path} has no scope yet; only a key with every scope may call it"
        )
    if scope not in granted:
        raise ScopeMissing(
            f"This API key lacks the '{scope}' scope needed for {method} {path}; "
            "create a key with that scope"
        )


def scope_require(request: HttpRequest, scope: str) -> None:
    """Refuse the request (``ScopeMissing``) unless its key also holds ``scope``.

    For an operation whose body decides that it does more than its mapped scope says, e.g. a
    create call with ``payType`` 2 that also pays from the wallet (``payments``). Call it before
    anything is written.
    """
    api_key = getattr(getattr(request, "auth", None), "api_key", None)
    granted = api_key.scopes if api_key is not None else ()
    if scope not in granted:
        method, path, _ = getattr(request, _REQUEST_ATTR, (request.method, request.path, ""))
        raise ScopeMissing(
            f"This API key lacks the '{scope}' scope needed for {method} {path} with "
            "payment from the balance; create a key with that scope"
        )
