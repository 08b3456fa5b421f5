"""The one NinjaAPI, served under /api2.0/v1/ (CJ API 2.0 compatible). Built in core/api.py.

Each app's ``api.py`` holds a ninja ``Router``; mount it here at the CJ path prefix it serves.
Every operation inherits the ``CJ-Access-Token`` auth and the per-account rate limit; see
``dropyard.core.api`` for the conventions (the auth class is ``accounts.api_auth``).
"""

from dropyard.accounts.api import router as accounts_router
from dropyard.accounts.api_auth import CJAccessToken
from dropyard.aftersales.api import router as aftersales_router
from dropyard.aftersales.api_tickets import router as aftersales_tickets_router
from dropyard.catalog.api import router as catalog_router
from dropyard.checkout.api import router as checkout_router
from dropyard.checkout.api_purchases import router as checkout_purchases_router
from dropyard.core.api import build_api
from dropyard.fulfillment.api import router as fulfillment_router
from dropyard.fulfillment.api_photos import router as fulfillment_photos_router
from dropyard.inventory.api import router as inventory_router
from dropyard.logistics.api import router as logistics_router
from dropyard.orders.api import merge_router as orders_merge_router
from dropyard.orders.api import router as orders_router
from dropyard.sourcing.api import router as sourcing_router
from dropyard.stores.api import router as stores_router
from dropyard.stores.api_orders import router as stores_create_router
from dropyard.stores.api_products import router as stores_products_router
from dropyard.wallet.api import router as wallet_router
from dropyard.webhooks.api import router as webhooks_router

api = build_api(auth=CJAccessToken())
# authentication/* and setting/*: two CJ prefixes, one app, so the router carries full paths.
api.add_router("", accounts_router)
# product/*, product/stock/* + warehouse/*, logistic/*: the routers carry the full CJ paths.
api.add_router("", catalog_router)
api.add_router("", inventory_router)
api.add_router("", logistics_router)
# shopping/* (orders, cart, sandbox, merge), webhook/* and setting/get. createOrderV2/V3 first:
# the stores app serves them (payType 2 pays from the wallet; storeName links the order to a
# store), mounted where the orders' routers began; the
# sandbox's updateStatus and updateTrackNumber (warehouse work: fulfillment) after simulatePay,
# before the merge operations, where the orders' routers served them.
api.add_router("", stores_create_router)
api.add_router("", orders_router)  # cart, orders, shopping/sandbox/simulatePay
api.add_router("", fulfillment_router)  # shopping/sandbox/updateStatus, updateTrackNumber
api.add_router("", fulfillment_photos_router)  # storehouseCenterWeb/syncStorehouseVideoRequests
api.add_router("", orders_merge_router)  # shopping/mergeOrder/*
api.add_router("", webhooks_router)
api.add_router("", wallet_router)  # shopping/pay/getBalance, shopping/makeup/*, invoice/*
api.add_router("", checkout_router)  # shopping/pay/payBalance, shopping/pay/payBalanceV2
api.add_router("", checkout_purchases_router)  # shopping/privateInventory/*
api.add_router("", stores_router)  # shop/getShops, authentication/getAuthorizeUrl
# store/product/*, shop/product/*, product/conn/connection
api.add_router("", stores_products_router)
api.add_router("", aftersales_tickets_router)  # ticket/*
api.add_router("", aftersales_router)  # disputes/*
api.add_router("", sourcing_router)  # product/sourcing/*
