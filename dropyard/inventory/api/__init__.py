"""Developer API for stock and warehouses (CJ API 2.0 paths; mounted at the API root).

``stock``: ``product/stock/*``, ``product/globalWarehouseList``, ``warehouse/detail``.
``private``: ``product/stock/privateInventory/*``, the merchant's own stock.
``products``: ``product/listV2`` and ``product/variant/queryByVid``, the catalog reads that carry
stock figures (catalog's wire form, ``catalog.wire``, plus inventory's counts).
"""

from ninja import Router

from . import private, products, stock

router = Router()
for module in (stock, products, private):
    router.add_router("", module.router)
