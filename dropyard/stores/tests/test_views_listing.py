"""The pricing rules pages, the listing wizard, its progress page and a store's listings:
what they show, what they do, refusals, tenancy (another merchant → 404) and CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.catalog import services as catalog_services
from dropyard.core.choices import JobStatus
from dropyard.core.models import Job
from dropyard.stores import services
from dropyard.stores.choices import ListingStatus
from dropyard.stores.models import Listing, ListingVariant, PricingRule
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.listing_helpers import FakeAdapter, make_listable_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _page(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


# --- Pricing rules -----------------------------------------------------------------------------


def test_rules_page_empty_state_shows_the_default_pricing(owner_client):
    page = _page(owner_client.get(reverse("stores:pricing_rules")))

    assert 'data-testid="rules-empty"' in page
    assert "a $8.40 cost lists at $16.99" in page
    assert reverse("stores:pricing_rule_create") in page


def test_creating_a_rule_from_the_form_saves_it_and_lists_it(owner_client, merchant):
    store = make_store(merchant=merchant, name="Tee Shop")

    response = owner_client.post(
        reverse("stores:pricing_rule_create"),
        {
            "store": store.public_id,
            "multiplier": "2.5",
            "add": "1.50",
            "rounding": "95",
            "compare_at": "1.3",
        },
    )

    assert response.status_code == 302
    rule = PricingRule.objects.get(merchant=merchant)
    assert (rule.store, rule.multiplier_bp, rule.add_minor, rule.rounding, rule.compare_at_bp) == (
        store,
        25_000,
        150,
        "95",
        13_000,
    )
    page = _page(owner_client.get(reverse("stores:pricing_rules")))
    assert "Tee Shop (all categories)" in page
    assert '<span class="text-nowrap">×2.5 + $1.50</span>' in page
    assert ">Up to .95</span>" in page
    assert "price ×1.3" in page
    assert "$26.95" in page  # a $10.00 cost: 25.00 + 1.50 = 26.50 → 26.95


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"multiplier": "0", "add": "0"}, "Ensure this value is greater than or equal to 0.0001."),
        ({"multiplier": "2", "add": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"multiplier": "2", "add": "0", "compare_at": "1"}, "greater than or equal to 1.0001"),
        ({"multiplier": "abc", "add": "0"}, "Enter a number."),
    ],
)
def test_bad_rule_terms_show_the_error_and_save_nothing(owner_client, data, error):
    response = owner_client.post(reverse("stores:pricing_rule_create"), {"rounding": "99", **data})

    assert response.status_code == 400
    assert error in _page(response)
    assert PricingRule.objects.count() == 0


def test_a_second_default_rule_shows_the_services_refusal(owner_client, merchant):
    services.pricing_rule_create(merchant=merchant, actor=None, multiplier_bp=20_000)

    response = owner_client.post(
        reverse("stores:pricing_rule_create"), {"multiplier": "3", "add": "0", "rounding": "99"}
    )

    assert response.status_code == 400
    assert "Scope: a rule for this store and category already exists; change it" in _page(response)


def test_the_live_preview_prices_the_example_costs_with_the_typed_terms(owner_client):
    response = owner_client.get(
        reverse("stores:pricing_rule_create"),
        {"multiplier": "3", "add": "0", "rounding": "none"},
        HTTP_HX_REQUEST="true",
    )

    page = _page(response)
    assert response.status_code == 200
    assert 'id="pricing-preview"' in page
    assert '<td>$8.40</td><td class="text-end fw-semibold">$25.20</td>' in page
    assert "<html" not in page
    bad = owner_client.get(
        reverse("stores:pricing_rule_create"), {"multiplier": "x"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="preview-invalid"' in _page(bad)


def test_editing_and_deleting_a_rule_after_confirmation(owner_client, merchant):
    rule = services.pricing_rule_create(merchant=merchant, actor=None, multiplier_bp=20_000)
    edit = reverse("stores:pricing_rule_edit", args=[rule.public_id])
    delete = reverse("stores:pricing_rule_delete", args=[rule.public_id])

    form = _page(owner_client.get(edit))
    saved = owner_client.post(edit, {"multiplier": "1.75", "add": "0", "rounding": "none"})
    confirm = _page(owner_client.get(delete))

    assert 'name="multiplier" value="2"' in form
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.multiplier_bp, rule.rounding) == (17_500, "none")
    assert "Delete the pricing rule for Default (all stores, all categories)?" in confirm
    assert PricingRule.objects.count() == 1
    assert owner_client.post(delete).status_code == 302
    assert PricingRule.objects.count() == 0


def test_another_merchants_rule_is_404_for_every_method(owner_client, other_merchant):
    theirs = services.pricing_rule_create(merchant=other_merchant, actor=None, multiplier_bp=1)

    for name in ("stores:pricing_rule_edit", "stores:pricing_rule_delete"):
        url = reverse(name, args=[theirs.public_id])
        assert owner_client.get(url).status_code == 404
        assert owner_client.post(url, {"multiplier": "2", "add": "0"}).status_code == 404
    assert PricingRule.objects.get().multiplier_bp == 1


def test_another_merchants_store_is_not_a_choice_of_the_rule_form(owner_client, other_merchant):
    theirs = make_store(merchant=other_merchant)

    response = owner_client.post(
        reverse("stores:pricing_rule_create"),
        {"store": theirs.public_id, "multiplier": "2", "add": "0", "rounding": "99"},
    )

    assert response.status_code == 400
    assert "Select a valid choice." in _page(response)
    assert PricingRule.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("stores:pricing_rule_create", None),
        ("stores:pricing_rule_delete", "rule"),
        ("stores:listing_new", "product"),
        ("stores:listing_relist", "listing"),
    ],
)
def test_the_forms_need_the_csrf_token(owner, merchant, name, args):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    store = make_store(merchant=merchant)
    product = make_listable_product()
    rule = services.pricing_rule_create(merchant=merchant, actor=None, multiplier_bp=20_000)
    listing = Listing.objects.create(store=store, product=product, title="T")
    kwargs = {
        None: [],
        "rule": [rule.public_id],
        "product": [product.public_id],
        "listing": [store.public_id, listing.public_id],
    }[args]

    response = client.post(reverse(name, args=kwargs), {"multiplier": "2", "add": "0"})

    assert response.status_code == 403
    assert PricingRule.objects.count() == 1
    assert Job.objects.count() == 0


# --- The wizard ----------------------------------------------------------------------------------


def test_choose_page_lists_my_products_first_and_searches(owner_client, merchant):
    first, saved = make_listable_product(), make_listable_product()
    catalog_services.my_product_add(merchant=merchant, product=saved, actor=None)

    page = _page(owner_client.get(reverse("stores:listing_choose")))
    found = _page(owner_client.get(reverse("stores:listing_choose"), {"q": first.sku}))
    mine = _page(owner_client.get(reverse("stores:listing_choose"), {"mine": "on"}))

    assert page.index(f'data-testid="choose-{saved.sku}"') < page.index(
        f'data-testid="choose-{first.sku}"'
    )
    assert "My Products" in page
    assert 'data-testid="no-store"' in page
    assert f"choose-{first.sku}" in found
    assert f"choose-{saved.sku}" not in found
    assert f"choose-{saved.sku}" in mine
    assert f"choose-{first.sku}" not in mine


def test_wizard_shows_the_rules_price_per_variant_and_store(owner_client, merchant):
    store = make_store(merchant=merchant, name="Tee Shop")
    services.pricing_rule_create(
        merchant=merchant, actor=None, store=store, multiplier_bp=25_000, add_minor=150
    )
    product = make_listable_product(costs=(840, 1000))

    page = _page(owner_client.get(reverse("stores:listing_new", args=[product.public_id])))

    assert page.count('data-testid="rule-price"') == 2
    assert '<div class="text-nowrap" data-testid="rule-price">$22.99</div>' in page
    assert '<div class="text-nowrap" data-testid="rule-price">$26.99</div>' in page
    assert f'value="{store.public_id}"' in page


def test_submitting_the_wizard_starts_a_job_per_store_and_shows_their_progress(
    owner_client, merchant
):
    one, two = make_store(merchant=merchant), make_store(merchant=merchant)
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")
    image = product.images.order_by("position").last()

    response = owner_client.post(
        reverse("stores:listing_new", args=[product.public_id]),
        {
            "variants": [red.pk],
            "title": "Garlic press deluxe",
            "description_html": "<p>Presses.</p>",
            "images": [image.pk],
            f"price_{red.pk}": "12.50",
            f"price_{blue.pk}": "99",
            "stores": [one.public_id, two.public_id],
        },
    )

    jobs = list(Job.objects.order_by("pk"))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('stores:listing_progress')}?job={jobs[0].pk}&job={jobs[1].pk}"
    )
    assert [(j.kind, j.status) for j in jobs] == [("store_listing", JobStatus.QUEUED)] * 2
    rows = ListingVariant.objects.order_by("listing__store_id")
    assert [(r.variant, r.price_minor, r.price_manual) for r in rows] == [
        (red, 1250, True),
        (red, 1250, True),
    ]
    listing = Listing.objects.get(store=one)
    assert (listing.title, listing.image_ids) == ("Garlic press deluxe", [image.pk])
    progress = _page(owner_client.get(response["Location"]))
    assert progress.count('data-testid="listing-job"') == 2
    assert 'hx-trigger="every 1s"' in progress


def test_wizard_refusals_show_the_error_and_start_nothing(owner_client, merchant):
    make_store(merchant=merchant)
    product = make_listable_product()

    response = owner_client.post(
        reverse("stores:listing_new", args=[product.public_id]),
        {"title": "", "variants": [], "stores": []},
    )

    assert response.status_code == 400
    page = _page(response)
    assert page.count("This field is required.") == 3
    assert Job.objects.count() == 0


def test_wizard_of_an_off_sale_or_unknown_product_is_404(owner_client):
    product = make_listable_product()
    catalog_services.product_set_on_sale(product=product, on_sale=False, reason="x", actor=None)

    assert (
        owner_client.get(reverse("stores:listing_new", args=[product.public_id])).status_code == 404
    )
    assert owner_client.get(reverse("stores:listing_new", args=["nope"])).status_code == 404


def test_wizard_does_not_offer_or_accept_another_merchants_store(
    owner_client, merchant, other_merchant
):
    make_store(merchant=merchant)
    theirs = make_store(merchant=other_merchant)
    product = make_listable_product()
    red = product.variants.first()
    url = reverse("stores:listing_new", args=[product.public_id])

    page = _page(owner_client.get(url))
    response = owner_client.post(
        url, {"variants": [red.pk], "title": "T", "stores": [theirs.public_id]}
    )

    assert theirs.public_id not in page
    assert response.status_code == 400
    assert "Select a valid choice." in _page(response)
    assert Listing.objects.count() == 0


def test_progress_page_polls_until_done_and_hides_other_merchants_jobs(
    owner_client, merchant, other_merchant
):
    store = make_store(merchant=merchant)
    product = make_listable_product()
    draft = services.ListingDraft(product=product, variants=list(product.variants.all()), title="T")
    [job] = services.listing_start(merchant=merchant, actor=None, draft=draft, stores=[store])
    services.listing_run(job_id=job.pk, adapter=FakeAdapter(fail="Handle taken"))
    theirs = make_store(merchant=other_merchant)
    [their_job] = services.listing_start(
        merchant=other_merchant, actor=None, draft=draft, stores=[theirs]
    )
    url = reverse("stores:listing_progress")

    done = _page(owner_client.get(url, {"job": job.pk}, HTTP_HX_REQUEST="true"))

    assert 'hx-trigger="every' not in done  # polling stopped (the bell loads on open)
    assert "Failed: Handle taken" in done
    assert "0 of 2 variants" in done
    assert owner_client.get(url, {"job": their_job.pk}).status_code == 404
    assert owner_client.get(url).status_code == 302


# --- A store's listings ----------------------------------------------------------------------


def test_listings_page_shows_status_and_platform_error_and_relists(owner_client, merchant):
    store = make_store(merchant=merchant)
    product = make_listable_product()
    draft = services.ListingDraft(
        product=product, variants=list(product.variants.all()), title="Press"
    )
    [job] = services.listing_start(merchant=merchant, actor=None, draft=draft, stores=[store])
    services.listing_run(job_id=job.pk, adapter=FakeAdapter(fail="Title is too long"))
    listing = Listing.objects.get()

    page = _page(owner_client.get(reverse("stores:listings", args=[store.public_id])))
    response = owner_client.post(
        reverse("stores:listing_relist", args=[store.public_id, listing.public_id])
    )

    assert "Failed" in page
    assert "Title is too long" in page
    again = Job.objects.latest("pk")
    assert again.pk != job.pk
    assert response["Location"] == f"{reverse('stores:listing_progress')}?job={again.pk}"
    listing.refresh_from_db()
    assert (listing.status, listing.error, listing.job) == (ListingStatus.LISTING, "", again)


def test_listings_page_empty_state(owner_client, merchant):
    store = make_store(merchant=merchant)

    page = _page(owner_client.get(reverse("stores:listings", args=[store.public_id])))

    assert 'data-testid="listings-empty"' in page


def test_relist_is_post_only_and_another_merchants_listing_is_404(
    owner_client, merchant, other_merchant
):
    mine, theirs = make_store(merchant=merchant), make_store(merchant=other_merchant)
    product = make_listable_product()
    my_listing = Listing.objects.create(store=mine, product=product, title="Mine")
    their_listing = Listing.objects.create(store=theirs, product=product, title="Theirs")

    assert (
        owner_client.get(
            reverse("stores:listing_relist", args=[mine.public_id, my_listing.public_id])
        ).status_code
        == 405
    )
    for store, listing in ((theirs, their_listing), (mine, their_listing)):
        url = reverse("stores:listing_relist", args=[store.public_id, listing.public_id])
        assert owner_client.post(url).status_code == 404
    assert owner_client.get(reverse("stores:listings", args=[theirs.public_id])).status_code == 404
    assert Job.objects.count() == 0


def test_the_wizard_strips_control_and_bidi_characters(owner_client, merchant):
    store = make_store(merchant=merchant)
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")

    response = owner_client.post(
        reverse("stores:listing_new", args=[product.public_id]),
        {
            "variants": [red.pk],
            "title": "\u202eGarlic\x1b[1m press\x07",
            "description_html": "<p>Presses\x07.</p>\r\n<p>\u2066Steel\u2069</p>",
            f"price_{red.pk}": "12.50",
            f"price_{blue.pk}": "99",
            "stores": [store.public_id],
        },
    )

    listing = Listing.objects.get(store=store)
    assert response.status_code == 302
    assert (listing.title, listing.description_html) == (
        "Garlic[1m press",
        "<p>Presses.</p>\n<p>Steel</p>",
    )
