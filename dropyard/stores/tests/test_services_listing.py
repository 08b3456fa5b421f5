"""The listing wizard's services and job: what is recorded, the job's progress, failures with
the platform's error, automatic connections and the release of held orders."""

import pytest

from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.models import AuditEvent, Job
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores import tasks as stores_tasks
from dropyard.stores.choices import ConnectionHow, ListingStatus, StoreOrderStatus, StoreStatus
from dropyard.stores.exceptions import StoreInvalid, StoreNotFound
from dropyard.stores.models import Listing, ListingVariant, ProductConnection
from dropyard.stores.services import ListingDraft
from dropyard.stores.services import listing as listing_module
from dropyard.stores.tests.factories import make_store, platform_order
from dropyard.stores.tests.listing_helpers import FakeAdapter, make_listable_product

pytestmark = pytest.mark.django_db


def _draft(product, **fields):
    variants = list(product.variants.order_by("position"))
    images = list(product.images.order_by("position").values_list("pk", flat=True))
    return ListingDraft(
        product=product,
        variants=fields.pop("variants", variants),
        title=fields.pop("title", "Garlic press"),
        description_html=fields.pop("description_html", "<p>Presses garlic.</p>"),
        image_ids=fields.pop("image_ids", images[:1]),
        prices=fields.pop("prices", None),
    )


def _start(merchant, draft, *stores):
    return services.listing_start(
        merchant=merchant, actor=merchant.owner, draft=draft, stores=list(stores)
    )


def test_start_records_one_listing_and_one_job_per_store_at_the_rules_prices(merchant):
    one, two = make_store(merchant=merchant), make_store(merchant=merchant)
    services.pricing_rule_create(
        merchant=merchant, actor=None, store=two, multiplier_bp=30_000, rounding="none"
    )
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")

    jobs = _start(merchant, _draft(product, prices={blue.pk: 4500}), one, two)

    assert [(j.kind, j.status, j.params) for j in jobs] == [
        ("store_listing", JobStatus.QUEUED, {"listing_id": Listing.objects.get(store=one).pk}),
        ("store_listing", JobStatus.QUEUED, {"listing_id": Listing.objects.get(store=two).pk}),
    ]
    rows = ListingVariant.objects.order_by("listing__store_id", "variant__position")
    assert [(r.variant_id, r.cost_minor, r.price_minor, r.price_manual) for r in rows] == [
        (red.pk, 840, 1699, False),
        (blue.pk, 1000, 4500, True),
        (red.pk, 840, 2520, False),
        (blue.pk, 1000, 4500, True),
    ]
    listing = Listing.objects.get(store=one)
    assert (listing.status, listing.title, listing.job) == (
        ListingStatus.LISTING,
        "Garlic press",
        jobs[0],
    )
    assert AuditEvent.objects.filter(action=AuditAction.STORE_LISTING_CHANGED).count() == 2


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"variants": []}, {"variants": "choose at least one variant"}),
        ({"title": "  "}, {"title": "the title is required, at most 255 characters"}),
        ({"image_ids": [0]}, {"images": "an image is not one of this product's"}),
        ("foreign variant", None),
        ("negative price", None),
        ("no store", {"stores": "choose at least one store"}),
    ],
)
def test_start_refuses_bad_drafts_and_writes_nothing(merchant, change, errors):
    store = make_store(merchant=merchant)
    product = make_listable_product()
    stores = [store]
    if change == "foreign variant":
        stranger = make_listable_product(costs=(100,)).variants.get()
        draft = _draft(product, variants=[stranger])
        errors = {"variants": f"variant {stranger.sku} is not a variant of {product.sku}"}
    elif change == "negative price":
        red = product.variants.order_by("position").first()
        draft = _draft(product, prices={red.pk: -1})
        errors = {"prices": f"the price of {red.sku} must be between 0 and 1,000,000"}
    elif change == "no store":
        draft, stores = _draft(product), []
    else:
        draft = _draft(product, **change)

    with pytest.raises(StoreInvalid) as caught:
        _start(merchant, draft, *stores)

    assert caught.value.extra["errors"] == errors
    assert (Listing.objects.count(), Job.objects.count()) == (0, 0)


def test_start_refuses_another_merchants_or_a_disconnected_store(merchant, other_merchant):
    product = make_listable_product()
    theirs = make_store(merchant=other_merchant)
    gone = make_store(merchant=merchant)
    services.store_disconnect(store=gone, merchant=merchant, actor=None)

    with pytest.raises(StoreNotFound):
        _start(merchant, _draft(product), theirs)
    with pytest.raises(StoreInvalid) as caught:
        _start(merchant, _draft(product), gone)

    assert caught.value.extra["errors"] == {"stores": f"{gone.name} is disconnected"}
    assert Listing.objects.count() == 0


def test_rule_prices_need_the_store_to_sell_in_the_catalog_currency(merchant):
    euro = make_store(merchant=merchant, currency="EUR")
    product = make_listable_product(costs=(840,))
    red = product.variants.get()

    with pytest.raises(StoreInvalid) as caught:
        _start(merchant, _draft(product), euro)
    _start(merchant, _draft(product, prices={red.pk: 1900}), euro)

    assert caught.value.extra["errors"] == {
        "prices": f"{euro.name} sells in EUR and the rules price in USD: type the prices of "
        f"{red.sku} to list it there"
    }
    assert ListingVariant.objects.get().price_minor == 1900


def test_the_job_lists_the_product_records_progress_and_connects_each_variant(merchant):
    store = make_store(merchant=merchant)
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")
    [job] = _start(merchant, _draft(product), store)
    adapter = FakeAdapter()

    services.listing_run(job_id=job.pk, adapter=adapter)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 2, 2)
    assert "Listed 2 of 2 variants on" in job.log
    [(sent, platform_id)] = adapter.listed
    assert platform_id == ""
    assert (sent.title, sent.description_html, len(sent.image_urls)) == (
        "Garlic press",
        "<p>Presses garlic.</p>",
        1,
    )
    assert [(v.sku, v.price_minor, v.compare_at_minor) for v in sent.variants] == [
        (red.sku, 1699, 0),
        (blue.sku, 2099, 0),
    ]
    listing = Listing.objects.get()
    assert (listing.status, listing.error, listing.platform_product_id) == (
        ListingStatus.LISTED,
        "",
        "PP-1",
    )
    assert listing.last_listed_at is not None
    connections = ProductConnection.objects.filter(store=store).order_by("variant__position")
    assert [(c.variant, c.how, c.store_variant.platform_variant_id) for c in connections] == [
        (red, ConnectionHow.LISTED, f"PV-{red.sku}"),
        (blue, ConnectionHow.LISTED, f"PV-{blue.sku}"),
    ]
    assert [c.store_variant.price_minor for c in connections] == [1699, 2099]


def test_the_job_sends_the_rules_compare_at_price(merchant):
    store = make_store(merchant=merchant)
    services.pricing_rule_create(
        merchant=merchant, actor=None, multiplier_bp=20_000, compare_at_bp=15_000
    )
    product = make_listable_product(costs=(840,))
    [job] = _start(merchant, _draft(product), store)
    adapter = FakeAdapter()

    services.listing_run(job_id=job.pk, adapter=adapter)

    [(sent, _id)] = adapter.listed
    # 8.40 × 2 = 16.80 → 16.99; × 1.5 = 25.485 → 25.49 → 25.99
    assert [(v.price_minor, v.compare_at_minor) for v in sent.variants] == [(1699, 2599)]


def test_running_the_job_twice_updates_the_same_platform_product(merchant):
    store = make_store(merchant=merchant)
    product = make_listable_product()
    [job] = _start(merchant, _draft(product), store)
    adapter = FakeAdapter()

    services.listing_run(job_id=job.pk, adapter=adapter)
    services.listing_run(job_id=job.pk, adapter=adapter)

    assert [platform_id for _p, platform_id in adapter.listed] == ["", "PP-1"]
    assert ProductConnection.objects.filter(store=store).count() == 2


def test_a_platform_refusal_fails_the_job_and_the_listing_with_its_error(merchant):
    store = make_store(merchant=merchant)
    [job] = _start(merchant, _draft(make_listable_product()), store)

    services.listing_run(job_id=job.pk, adapter=FakeAdapter(fail="Title can't be blank"))

    job.refresh_from_db()
    listing = Listing.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.FAILED, 0, 2)
    assert "Failed: Title can't be blank" in job.log
    assert (listing.status, listing.error) == (ListingStatus.FAILED, "Title can't be blank")
    assert ProductConnection.objects.count() == 0
    assert AuditEvent.objects.filter(
        action=AuditAction.STORE_LISTING_CHANGED, details={"failed": "Title can't be blank"}
    ).exists()


def test_relisting_a_failed_listing_clears_the_error_and_keeps_typed_prices(merchant):
    store = make_store(merchant=merchant)
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")
    [job] = _start(merchant, _draft(product, prices={blue.pk: 4500}), store)
    services.listing_run(job_id=job.pk, adapter=FakeAdapter(fail="Shop is frozen"))
    red.price_minor = 900
    red.save(update_fields=["price_minor"])

    again = services.listing_relist(
        merchant=merchant, actor=merchant.owner, listing=Listing.objects.get()
    )
    services.listing_run(job_id=again.pk, adapter=FakeAdapter())

    listing = Listing.objects.get()
    assert (listing.status, listing.error) == (ListingStatus.LISTED, "")
    prices = listing.variants.order_by("variant__position").values_list("cost_minor", "price_minor")
    assert list(prices) == [(900, 1899), (1000, 4500)]


def test_listing_releases_the_orders_held_for_its_variants(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    red = world.red
    held = services.store_order_ingest(
        store=store, order=platform_order("501", (f"PV-{red.sku}", 1)), via="poll"
    )
    assert held.status == StoreOrderStatus.HELD
    [job] = _start(merchant, _draft(red.product, image_ids=[]), store)

    services.listing_run(job_id=job.pk, adapter=FakeAdapter())

    held.refresh_from_db()
    assert held.status == StoreOrderStatus.IMPORTED
    assert Order.objects.get().lines.get().variant == red


def test_the_job_of_a_store_disconnected_meanwhile_fails_without_calling_it(merchant):
    store = make_store(merchant=merchant)
    [job] = _start(merchant, _draft(make_listable_product()), store)
    services.store_disconnect(store=store, merchant=merchant, actor=None)
    adapter = FakeAdapter()

    services.listing_run(job_id=job.pk, adapter=adapter)

    store.refresh_from_db()
    assert adapter.listed == []
    assert Listing.objects.get().error == "the store is disconnected"
    assert store.status == StoreStatus.DISCONNECTED


def test_an_unexpected_error_fails_the_listing_and_the_task_fails_the_job(merchant, monkeypatch):
    store = make_store(merchant=merchant)
    [job] = _start(merchant, _draft(make_listable_product()), store)

    class Broken(FakeAdapter):
        def listing_upsert(self, product, *, platform_product_id=""):
            raise KeyError("id")

    monkeypatch.setattr(listing_module, "adapter_for", lambda store: Broken())
    with pytest.raises(KeyError):
        stores_tasks.store_listing_run.call(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, Listing.objects.get().error) == (
        JobStatus.FAILED,
        "unexpected error (KeyError)",
    )
    assert "Failed (KeyError); see the worker log for details" in job.log
