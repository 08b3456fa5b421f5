"""The demo merchant's Sandbox store (called by ``demo.loader.demo_load``) and the demo's
shopper, who buys on it every few minutes while the worker runs (``demo.tasks``).

It lives in the demo app, above stores: the store is connected and the products listed through
the stores services (``sandbox_store_create``, ``store_listing_push``), exactly as a merchant
does it from the Stores pages, and the shopper buys through the shop's own checkout
(``order_place``), whose signed webhook brings the order into Dropyard.

Idempotent: a live store named ``DEMO_SANDBOX_STORE`` of the merchant is left as it is.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog.models import Variant
from dropyard.stores import services as store_services
from dropyard.stores.adapters import adapter_for
from dropyard.stores.adapters.sandbox import SandboxStoreAdapter
from dropyard.stores.choices import Platform, StoreStatus
from dropyard.stores.models import SandboxShop, SandboxShopOrder, SandboxShopVariant, Store
from dropyard.stores.sandbox import http as sandbox_http
from dropyard.stores.sandbox import shop as shop_side

DEMO_SANDBOX_STORE = "Demo Sandbox Store"
LISTED_VARIANTS = 4

# (name, email, street, city, province, zip): the demo's shoppers, all in the US (every demo
# product has a line there from China).
SHOPPERS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Ava Thompson", "ava@shopper.example", "48 Elm Street", "Portland", "OR", "97205"),
    ("Mason Clark", "mason@shopper.example", "902 Lake Shore Drive", "Chicago", "IL", "60611"),
    ("Harper Lewis", "harper@shopper.example", "15 Beacon Street", "Boston", "MA", "02108"),
    ("Elijah Young", "elijah@shopper.example", "310 Peachtree Street", "Atlanta", "GA", "30308"),
    ("Zoe Hall", "zoe@shopper.example", "77 Market Street", "Denver", "CO", "80202"),
)  # fmt: skip


def demo_store(merchant: MerchantAccount) -> Store | None:
    """The merchant's live demo Sandbox store, or None."""
    return (
        Store.objects.filter(merchant=merchant, platform=Platform.SANDBOX, name=DEMO_SANDBOX_STORE)
        .exclude(status=StoreStatus.DISCONNECTED)
        .first()
    )


def sale_price_minor(variant: Variant) -> int:
    """What the demo store charges: the suggested retail price, or twice our price, ending .99."""
    base = variant.suggested_price_minor or variant.price_minor * 2
    return max(base // 100, 1) * 100 + 99


def load_demo_store(
    *, merchant: MerchantAccount, owner: User, variants: list[Variant]
) -> list[str]:
    """Connect the demo Sandbox store and list ``variants`` (the first ``LISTED_VARIANTS``) on
    it at ``sale_price_minor``; what was created, for the demo's report.

    The listing calls the shop through this process (``in_process_transport``): no server is
    listening while ``dropyard demo`` runs.
    """
    if demo_store(merchant) is not None:
        return []
    store = store_services.sandbox_store_create(
        merchant=merchant, actor=owner, name=DEMO_SANDBOX_STORE
    )
    chosen = variants[:LISTED_VARIANTS]
    adapter = adapter_for(store)
    assert isinstance(adapter, SandboxStoreAdapter)
    adapter.transport = sandbox_http.in_process_transport()
    store_services.store_listing_push(
        store=store,
        variants=chosen,
        prices={v.pk: sale_price_minor(v) for v in chosen},
        actor=owner,
        adapter=adapter,
    )
    return [f"Sandbox store {store.name} with {len(chosen)} listed variants"]


def demo_shopper_order(*, merchant: MerchantAccount, rng: random.Random) -> SandboxShopOrder | None:
    """A shopper buys one or two listed variants on the demo store; None when there is no demo
    store or nothing listed, or when its last order is younger than half the shopper's period
    (so a period enqueued twice places one order)."""
    store = demo_store(merchant)
    if store is None:
        return None
    shop = SandboxShop.objects.filter(slug=store.domain).first()
    if shop is None:
        return None
    half_period = timedelta(seconds=settings.DROPYARD_DEMO_SHOPPER_EVERY_SECONDS / 2)
    if SandboxShopOrder.objects.filter(
        shop=shop, created_at__gt=timezone.now() - half_period
    ).exists():
        return None
    listed = list(
        SandboxShopVariant.objects.filter(shop=shop, product__listed=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not listed:
        return None
    picked = rng.sample(listed, k=min(len(listed), rng.choice((1, 1, 2))))
    name, email, street, city, province, zip_code = rng.choice(SHOPPERS)
    return shop_side.order_place(
        shop=shop,
        quantities={pk: rng.choice((1, 1, 2)) for pk in picked},
        customer={
            "email": email,
            "customer_name": name,
            "address": street,
            "city": city,
            "province": province,
            "zip": zip_code,
            "country_code": "US",
            "phone": "+1 555 0100",
        },
    )
