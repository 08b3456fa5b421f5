"""Developer API for orders (contract §2.4 shopping; full CJ paths, mounted at the API root).

Every operation is merchant-scoped: an order is looked up among the caller's orders only, so
another merchant's id answers exactly like an unknown one, 1603100. Wire conventions: ids are
strings (``orderId`` is our public id; ``orderNum``/``orderNumber`` the merchant's own number;
``cjOrderCode`` our "DY…"/"ZF…" code; every lookup by order id also accepts the order number
and the code); amounts are decimal strings in the order's currency (USD, ``"12.50"``); order
dates are ``yyyy-MM-dd HH:mm:ss`` in UTC (§3 conventions); helpers in ``wire``.

One module per group of operations, each with its own router and the decisions it takes where
the contract is open or contradicts itself (§7): ``cart`` (addCart, addCartConfirm,
saveGenerateParentOrder), ``orders`` (list, details, delete, confirm, warehouse and shipping
line changes), ``cogs`` (queryCogsBasicDataOrderInfoList: cost of goods per order),
``sandbox`` (shopping/sandbox/*) and ``merge`` (shopping/mergeOrder/*). No API key scopes
exist yet (accounts has none): any valid token may call every operation.

``router`` mounts the first four, in that order, and ``merge_router`` is ``merge``'s, for
``dropyard/config/api.py``. Creating orders (createOrderV2/V3) is served by
``stores.api_orders``, mounted just before ``router``: its payType 2 pays from the wallet and
its ``storeName`` links the order to a store, both above orders. The sandbox operations that
drive warehouse work (updateStatus, updateTrackNumber) are served by ``fulfillment.api``,
mounted between ``router`` and ``merge_router``, where they were when this package served them.
"""

from ninja import Router

from . import cart, cogs, merge, orders, sandbox

router = Router()
router.add_router("", cart.router)
router.add_router("", orders.router)
router.add_router("", cogs.router)
router.add_router("", sandbox.router)
merge_router = merge.router
