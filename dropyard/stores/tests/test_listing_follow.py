"""Listings following the catalog: out of date on a cost or availability change, re-priced
or delisted on stores whose setting says so."""

import pytest

from dropyard.catalog import services as catalog_services
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores import tasks as stores_tasks
from dropyard.stores.choices import ListingStatus
from dropyard.stores.models import Listing
from dropyard.stores.services import ListingDraft
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.listing_helpers import FakeAdapter, make_listable_product

pytestmark = pytest.mark.django_db


def _listed(merchant, *, reprice=False, prices=None):
    store = make_store(merchant=merchant)
    if reprice:
        services.store_settings_update(
            store=store, merchant=merchant, actor=None, reprice_on_change=True
        )
    product = make_listable_product(costs=(840, 1000))
    draft = ListingDraft(
        product=product,
        variants=list(product.variants.order_by("position")),
        title=product.name,
        prices=prices,
    )
    [job] = services.listing_start(merchant=merchant, actor=None, draft=draft, stores=[store])
    services.listing_run(job_id=job.pk, adapter=FakeAdapter())
    return store, product, list(product.variants.order_by("position"))


def test_a_cost_change_through_the_catalog_marks_the_listing_out_of_date(merchant):
    _store, _product, (red, _blue) = _listed(merchant)

    assert services.listings_mark_out_of_date() == 0
    catalog_services.variant_update(variant=red, actor=None, price_minor=900)
    marked = services.listings_mark_out_of_date()

    assert (marked, Listing.objects.get().status) == (1, ListingStatus.OUT_OF_DATE)
    event = AuditEvent.objects.filter(action=AuditAction.STORE_LISTING_CHANGED).latest("pk")
    assert event.details == {"out_of_date": [red.sku]}
    assert services.listings_mark_out_of_date() == 0


def test_a_variant_or_product_taken_off_sale_marks_it_out_of_date(merchant):
    _store, product, (_red, blue) = _listed(merchant)
    catalog_services.variant_set_on_sale(variant=blue, on_sale=False, actor=None)

    assert services.listings_mark_out_of_date() == 1

    other_store, other_product, _variants = _listed(merchant)
    catalog_services.product_set_on_sale(
        product=other_product, on_sale=False, reason="recalled", actor=None
    )
    assert services.listings_mark_out_of_date() == 1
    assert list(Listing.objects.values_list("status", flat=True)) == [ListingStatus.OUT_OF_DATE] * 2


def test_reprice_pushes_the_rules_new_price_and_delists_off_sale_variants(merchant):
    _store, _product, (red, blue) = _listed(merchant, reprice=True)
    catalog_services.variant_update(variant=red, actor=None, price_minor=900)
    catalog_services.variant_set_on_sale(variant=blue, on_sale=False, actor=None)
    services.listings_mark_out_of_date()
    adapter = FakeAdapter()

    status = services.listing_reprice(listing_id=Listing.objects.get().pk, adapter=adapter)

    assert status == ListingStatus.LISTED
    assert adapter.updates == [
        {"id": f"PV-{red.sku}", "price_minor": 1899, "available": None},
        {"id": f"PV-{blue.sku}", "price_minor": None, "available": 0},
    ]
    rows = Listing.objects.get().variants.order_by("variant__position")
    assert [(r.cost_minor, r.price_minor, r.on_sale, r.delisted) for r in rows] == [
        (900, 1899, True, False),
        (1000, 2099, False, True),
    ]
    assert services.listing_reprice(listing_id=Listing.objects.get().pk, adapter=adapter) == ""
    assert len(adapter.updates) == 2


def test_reprice_keeps_a_typed_price_and_records_the_new_cost(merchant):
    _store, product, (red, blue) = _listed(merchant, reprice=True, prices={})
    listing = Listing.objects.get()
    listing.variants.filter(variant=red).update(price_minor=2500, price_manual=True)
    catalog_services.variant_update(variant=red, actor=None, price_minor=900)
    services.listings_mark_out_of_date()
    adapter = FakeAdapter()

    assert services.listing_reprice(listing_id=listing.pk, adapter=adapter) == ListingStatus.LISTED
    assert adapter.updates == []
    assert listing.variants.get(variant=red).cost_minor == 900
    assert listing.variants.get(variant=red).price_minor == 2500


def test_reprice_does_nothing_when_the_store_setting_is_off(merchant):
    _store, _product, (red, _blue) = _listed(merchant, reprice=False)
    catalog_services.variant_update(variant=red, actor=None, price_minor=900)
    services.listings_mark_out_of_date()
    adapter = FakeAdapter()

    assert services.listing_reprice(listing_id=Listing.objects.get().pk, adapter=adapter) == ""
    assert adapter.updates == []
    assert Listing.objects.get().status == ListingStatus.OUT_OF_DATE


def test_a_platform_refusal_while_repricing_fails_the_listing_with_its_error(merchant):
    _store, _product, (red, _blue) = _listed(merchant, reprice=True)
    catalog_services.variant_update(variant=red, actor=None, price_minor=900)
    services.listings_mark_out_of_date()

    status = services.listing_reprice(
        listing_id=Listing.objects.get().pk, adapter=FakeAdapter(fail="Variant not found")
    )

    listing = Listing.objects.get()
    assert (status, listing.status, listing.error) == (
        ListingStatus.FAILED,
        ListingStatus.FAILED,
        "Variant not found",
    )
    assert listing.variants.get(variant=red).cost_minor == 840


def test_the_periodic_job_marks_and_enqueues_a_reprice_only_where_the_setting_is_on(
    merchant, tasks
):
    _s1, _p1, (red_on, _b1) = _listed(merchant, reprice=True)
    _s2, _p2, (red_off, _b2) = _listed(merchant, reprice=False)
    for red in (red_on, red_off):
        catalog_services.variant_update(variant=red, actor=None, price_minor=900)

    enqueued = stores_tasks.listings_follow.call()

    on = Listing.objects.get(product=red_on.product)
    assert enqueued == 1
    assert [r.kwargs for r in tasks.results if r.task.name == "store_listing_reprice"] == [
        {"listing_id": on.pk}
    ]
    assert set(Listing.objects.values_list("status", flat=True)) == {ListingStatus.OUT_OF_DATE}
