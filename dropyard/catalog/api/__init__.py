"""Developer API for the catalog (CJ API 2.0 paths; mounted at the API root in config/api.py).

Contract §2.2, one module per group of operations: ``categories`` (getCategory), ``products``
(list, query, variant/query), ``reviews`` (productComments), ``my_products``,
``image_search`` (queryProductsByImage). The wire form of
products and variants is ``catalog.wire``. ``product/listV2`` and ``product/variant/queryByVid``
report stock, so ``inventory.api.products`` serves them (inventory sits above catalog).

Decisions where the contract is open:
- ``sellPrice`` of a product is its lowest on-sale variant price (``min_price_minor``).
- Reads of a product that is off sale answer 1602002; a variant addressed directly (vid or
  ``variantSku``) that is off sale answers 1602003. Product responses therefore always carry
  ``status``/``saleStatus`` "3" (on sale) and list only on-sale variants. My Products still
  lists saved products that went off sale, with ``saleStatus`` "2".
- ``product/productComments`` uses the alternate ``{success: true, code: 0}`` envelope (§3
  quirks).
- ``listedNum`` is the number of merchants who saved the product to My Products (our
  "listings"; no store-listing data exists yet); ``isVideo`` / productType 10–11 use
  ``Product.video_url``. Still constants, for want of data: ``addMarkStatus`` 0 (no
  free-shipping mark), ``nowPrice``/``discountPrice`` = ``sellPrice`` (no discounts), My
  Products' ``listedShopNum`` 0 (no store connections yet).
"""

from ninja import Router

from . import categories, image_search, my_products, products, reviews

router = Router()
for module in (categories, products, reviews, my_products, image_search):
    router.add_router("", module.router)
