"""Connecting a built-in Sandbox store, and listing Dropyard variants on a store.

Listing goes through the store's adapter (HTTP), like on any platform: the platform is called
first, outside any transaction (a remote write cannot be rolled back), then what it answered is
recorded atomically — the store's catalog rows and a LISTED connection per variant.
"""

from collections.abc import Collection, Mapping, Sequence
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant

from ..adapters import adapter_for
from ..adapters.base import PlatformProduct, PlatformVariant, StoreAdapter
from ..choices import Platform, StoreStatus
from ..exceptions import StoreDisconnected, StoreInvalid
from ..models import ProductConnection, Store, StoreVariant
from ..sandbox import shop as sandbox_shop
from .listing import listed_variants_record, listing_record_pushed
from .setup import store_connect


@transaction.atomic
def sandbox_store_create(
    *, merchant: MerchantAccount, actor: Actor, name: str, currency: str = "USD"
) -> Store:
    """A new Sandbox shop and the merchant's authorized Store of it, in one go.

    The store's credentials (encrypted) are the shop's access token and webhook secret; the
    shop keeps only the token's hash and sends its webhooks to this store's receiver. Refused
    like ``store_connect`` (``StoreInvalid``; nothing written). Audited STORE_CONNECTED.
    """
    name = name.strip()
    if not name or len(name) > 120:
        raise StoreInvalid(_("name: required, at most 120 characters"))
    shop, token, secret = sandbox_shop.shop_create(name=name, currency=currency.strip().upper())
    store = store_connect(
        merchant=merchant,
        actor=actor,
        platform=Platform.SANDBOX,
        name=name,
        domain=shop.slug,
        currency=shop.currency,
        credentials={"access_token": token, "webhook_secret": secret},
    )
    shop.webhook_url = reverse("stores_public:webhook_receive", args=[store.public_id])
    shop.save(update_fields=["webhook_url", "updated_at"])
    return store


def _image_url(variant: Variant) -> str:
    image = variant.image or variant.product.images.order_by("position", "pk").first()
    return f"{settings.SITE_URL}{image.image.url}" if image is not None else ""


def _products(variants: Sequence[Variant], prices: Mapping[int, int]) -> list[PlatformProduct]:
    ordered = sorted(variants, key=lambda v: (v.product_id, v.position, v.pk))
    products = []
    for _pk, group in groupby(ordered, key=lambda v: v.product_id):
        items = list(group)
        product = items[0].product
        image = _image_url(items[0])
        products.append(
            PlatformProduct(
                platform_product_id="",
                title=product.name[:255],
                description_html=product.description_html,
                image_urls=(image,) if image else (),
                variants=tuple(
                    PlatformVariant(
                        platform_product_id="",
                        platform_variant_id="",
                        sku=v.sku,
                        title=product.name[:255],
                        variant_title=" / ".join(str(o) for o in v.options.values())[:255],
                        price_minor=prices[v.pk],
                        image_url=_image_url(v),
                    )
                    for v in items
                ),
            )
        )
    return products


def store_listing_push(
    *,
    store: Store,
    variants: Sequence[Variant],
    prices: Mapping[int, int],
    actor: Actor = None,
    adapter: StoreAdapter | None = None,
    rule_priced: Collection[int] = (),
) -> list[ProductConnection]:
    """List Dropyard ``variants`` on the store at ``prices`` (variant pk → sale price in the
    store currency's minor units), one platform product per Dropyard product; a product listed
    before is updated in place. Each listed variant is then in the store's catalog and
    connected (how LISTED), and held orders of it are released, and the product's ``Listing``
    on the store records the variants at their prices (LISTED; ``rule_priced``: the variant
    pks whose price came from the pricing rules, which a re-price may change).

    Refused before any call: a disconnected store, an off-sale variant or a missing or negative
    price (``StoreInvalid``). Platform refusals raise ``AdapterError``; products listed before
    the refusal stay recorded. Audited through ``store_catalog_import`` and
    STORE_CONNECTION_CHANGED."""
    if store.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": store.name})
    variants = list(variants)
    for v in variants:
        if not v.is_on_sale or not v.product.is_on_sale:
            raise StoreInvalid(_("variant %(sku)s is not on sale") % {"sku": v.sku})
        if prices.get(v.pk, -1) < 0:
            raise StoreInvalid(_("variant %(sku)s needs a price ≥ 0") % {"sku": v.sku})
    adapter = adapter or adapter_for(store)
    made: list[ProductConnection] = []
    ordered = sorted(variants, key=lambda v: v.product_id)
    for _pk, group in groupby(ordered, key=lambda v: v.product_id):
        items = list(group)
        [product] = _products(items, prices)
        known = StoreVariant.objects.filter(
            store=store, sku__in=[v.sku for v in product.variants]
        ).first()
        result = adapter.listing_upsert(
            product, platform_product_id=known.platform_product_id if known else ""
        )
        made.extend(
            listed_variants_record(store=store, product=product, result=result, actor=actor)
        )
        listing_record_pushed(
            store=store,
            variants=items,
            prices=prices,
            rule_priced=set(rule_priced),
            result=result,
            actor=actor,
        )
    return made
