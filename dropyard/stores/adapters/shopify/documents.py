"""Every GraphQL document the Shopify adapter sends, as module-level constants.

One place, so that a test (``stores/tests/test_shopify_documents.py``) walks all of them and
validates each against Shopify's published Admin schema for ``DROPYARD_SHOPIFY_API_VERSION``
(npm ``@shopify/dev-mcp``, installed in ``peers/shopify-schema``). ``DOCUMENTS`` lists them by
name; a new document must be added there too (the test also checks that every ``str`` constant
of this module is listed).

Page sizes keep each query's requested cost under Shopify's 1,000-point single-query cap
(connections cost about 2 + ``first`` × their nodes' cost); the listing asks back exactly as
many variants as it sends, so its cost follows the product's size.
"""

SHOP = """
query DropyardShop {
  shop {
    id
    name
    currencyCode
    myshopifyDomain
    primaryDomain { host }
  }
}
"""

PRODUCTS_PAGE = """
query DropyardProductsPage($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      title
      descriptionHtml
      featuredMedia { preview { image { url } } }
      variants(first: 40) {
        pageInfo { hasNextPage endCursor }
        nodes { ...DropyardVariant }
      }
    }
  }
}

fragment DropyardVariant on ProductVariant {
  id
  sku
  title
  price
  image { url }
}
"""

PRODUCT_VARIANTS = """
query DropyardProductVariants($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        sku
        title
        price
        image { url }
      }
    }
  }
}
"""

PRODUCT_SET = """
mutation DropyardProductSet($input: ProductSetInput!, $variantCount: Int!) {
  productSet(input: $input, synchronous: true) {
    product {
      id
      variants(first: $variantCount) { nodes { id sku } }
    }
    userErrors { field message code }
  }
}
"""

VARIANT_FOR_UPDATE = """
query DropyardVariantForUpdate($id: ID!) {
  productVariant(id: $id) {
    id
    product { id }
    inventoryItem {
      id
      inventoryLevels(first: 1) { nodes { location { id } } }
    }
  }
}
"""

VARIANT_PRICE_UPDATE = """
mutation DropyardVariantPriceUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id price }
    userErrors { field message }
  }
}
"""

INVENTORY_SET = """
mutation DropyardInventorySet($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}
"""

# The order fields the adapter reads, shared by the orders page and the single-order query.
_ORDER_FIELDS = """
fragment DropyardOrder on Order {
  id
  name
  email
  currencyCode
  createdAt
  updatedAt
  cancelledAt
  displayFinancialStatus
  totalPriceSet { shopMoney { amount currencyCode } }
  shippingAddress {
    name
    address1
    address2
    city
    provinceCode
    zip
    countryCodeV2
    country
    phone
  }
  lineItems(first: 20) {
    pageInfo { hasNextPage endCursor }
    nodes { ...DropyardLineItem }
  }
}

fragment DropyardLineItem on LineItem {
  id
  sku
  title
  variantTitle
  quantity
  variant { id }
  originalUnitPriceSet { shopMoney { amount } }
}
"""

ORDERS_SINCE = (
    """
query DropyardOrdersSince($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...DropyardOrder }
  }
}
"""
    + _ORDER_FIELDS
)

ORDER_LINE_ITEMS = """
query DropyardOrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        sku
        title
        variantTitle
        quantity
        variant { id }
        originalUnitPriceSet { shopMoney { amount } }
      }
    }
  }
}
"""

FULFILLMENT_ORDERS = """
query DropyardFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 20) {
      id
      trackingInfo(first: 5) { number company url }
    }
    fulfillmentOrders(first: 5) {
      nodes {
        id
        status
        lineItems(first: 50) {
          nodes {
            id
            remainingQuantity
            lineItem { id }
          }
        }
      }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation DropyardFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment {
      id
      status
      trackingInfo(first: 5) { number company url }
    }
    userErrors { field message }
  }
}
"""

WEBHOOK_SUBSCRIPTION_CREATE = """
mutation DropyardWebhookSubscriptionCreate(
  $topic: WebhookSubscriptionTopic!
  $webhookSubscription: WebhookSubscriptionInput!
) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}
"""

DOCUMENTS: dict[str, str] = {
    "SHOP": SHOP,
    "PRODUCTS_PAGE": PRODUCTS_PAGE,
    "PRODUCT_VARIANTS": PRODUCT_VARIANTS,
    "PRODUCT_SET": PRODUCT_SET,
    "VARIANT_FOR_UPDATE": VARIANT_FOR_UPDATE,
    "VARIANT_PRICE_UPDATE": VARIANT_PRICE_UPDATE,
    "INVENTORY_SET": INVENTORY_SET,
    "ORDERS_SINCE": ORDERS_SINCE,
    "ORDER_LINE_ITEMS": ORDER_LINE_ITEMS,
    "FULFILLMENT_ORDERS": FULFILLMENT_ORDERS,
    "FULFILLMENT_CREATE": FULFILLMENT_CREATE,
    "WEBHOOK_SUBSCRIPTION_CREATE": WEBHOOK_SUBSCRIPTION_CREATE,
}

# Mutations that are safe to resend after an ambiguous failure (a timeout after the request
# left): setting the same values again changes nothing. The others are resent only when the
# request certainly did not run (THROTTLED, 429, a connection never made).
IDEMPOTENT_MUTATIONS = frozenset({"VARIANT_PRICE_UPDATE", "INVENTORY_SET"})
