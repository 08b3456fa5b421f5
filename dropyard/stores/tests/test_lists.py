"""The merchant's store lists on the generic list (stores, a store's listings, held store
orders): filters, sort, CSV scoped to the member, the htmx partial, bad input and the bulk
actions, through the views with the real selectors and services."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_member, make_staff
from dropyard.catalog.tests.factories import CategoryFactory
from dropyard.core.models import Job
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ListingStatus, Platform, ReceivedVia, StoreOrderStatus
from dropyard.stores.models import Listing, Store, StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.stores.tests.listing_helpers import FakeAdapter, make_listable_product

pytestmark = pytest.mark.django_db

STORES, HELD = "/stores/", "/stores/held/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _csv(response) -> list[str]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def _names(response) -> list[str]:
    return [row.name for row in response.context["page"].object_list]


def _htmx_only_results(response, testid: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="{testid}"' in html
    assert 'data-testid="filter-form"' not in html
    assert "<html" not in html


# --- Stores ------------------------------------------------------------------------------------


@pytest.fixture
def stores(merchant, other_merchant):
    made = {
        "tee": make_store(merchant=merchant, name="Tee Shop", domain="tee.example"),
        "mug": make_store(
            merchant=merchant, name="Mug Store", domain="mugs.example", platform=Platform.MEDUSA
        ),
        "theirs": make_store(merchant=other_merchant, name="Their Shop", domain="their.example"),
    }
    Store.objects.filter(pk=made["mug"].pk).update(status="reauthorize")
    return made


def test_stores_list_filters_by_search_platform_and_status(owner_client, stores):
    assert _names(owner_client.get(STORES, {"q": "mugs.ex"})) == ["Mug Store"]
    assert _names(owner_client.get(STORES, {"platform": "medusa"})) == ["Mug Store"]
    assert _names(owner_client.get(STORES, {"status": "authorized"})) == ["Tee Shop"]


def test_stores_list_sorts_by_name_both_ways(owner_client, stores):
    assert _names(owner_client.get(STORES, {"sort": "name"})) == ["Mug Store", "Tee Shop"]
    assert _names(owner_client.get(STORES, {"sort": "-name"})) == ["Tee Shop", "Mug Store"]


def test_stores_csv_holds_only_the_members_stores(owner_client, stores):
    rows = _csv(owner_client.get(STORES, {"export": "csv", "sort": "name"}))

    assert rows[0] == (
        "Store,Domain,Platform,Status,Last sync,Last error,Connected variants,Held orders"
    )
    assert [row.split(",")[:4] for row in rows[1:]] == [
        ["Mug Store", "mugs.example", "Medusa", "Needs re-authorization"],
        ["Tee Shop", "tee.example", "Shopify", "Authorized"],
    ]


def test_stores_csv_of_a_staff_member_holds_only_their_stores(client, merchant, stores):
    user = make_staff(merchant=merchant, permissions=["stores"])
    Membership.objects.filter(user=user).update(store_ids=[stores["tee"].pk])
    client.force_login(user)

    rows = _csv(client.get(STORES, {"export": "csv"}))

    assert [row.split(",")[0] for row in rows[1:]] == ["Tee Shop"]


def test_stores_htmx_answers_only_the_results(owner_client, stores):
    response = owner_client.get(STORES, {"q": "tee"}, HTTP_HX_REQUEST="true")

    _htmx_only_results(response, "store-table")
    html = response.content.decode()
    assert 'data-testid="platform-cards"' not in html
    assert 'href="/stores/?q=tee&amp;export=csv"' in html  # the export follows the filter
    assert _names(response) == ["Tee Shop"]


# --- Listings ----------------------------------------------------------------------------------


@pytest.fixture
def listings(merchant, other_merchant):
    store = make_store(merchant=merchant, name="Tee Shop")
    theirs = make_store(merchant=other_merchant, name="Their Shop")
    made = {}
    for title, status in (
        ("Alpha press", ListingStatus.LISTED),
        ("Beta kettle", ListingStatus.FAILED),
        ("Gamma lamp", ListingStatus.OUT_OF_DATE),
    ):
        made[title] = Listing.objects.create(
            store=store,
            product=make_listable_product(),
            title=title,
            status=status,
            error="Refused" if status == ListingStatus.FAILED else "",
        )
    Listing.objects.create(store=theirs, product=make_listable_product(), title="Theirs")
    return {"store": store, "theirs": theirs, **made}


def _titles(response) -> list[str]:
    return [row.title for row in response.context["page"].object_list]


def _listings_url(store) -> str:
    return reverse("stores:listings", args=[store.public_id])


def test_listings_filter_by_search_and_status(owner_client, listings):
    url = _listings_url(listings["store"])

    assert _titles(owner_client.get(url, {"q": "kettle"})) == ["Beta kettle"]
    assert _titles(owner_client.get(url, {"status": "out_of_date"})) == ["Gamma lamp"]


def test_listings_sort_by_title_both_ways(owner_client, listings):
    url = _listings_url(listings["store"])

    assert _titles(owner_client.get(url, {"sort": "title"})) == [
        "Alpha press",
        "Beta kettle",
        "Gamma lamp",
    ]
    assert _titles(owner_client.get(url, {"sort": "-title"}))[0] == "Gamma lamp"


def test_listings_csv_holds_only_this_stores_listings(owner_client, listings):
    rows = _csv(owner_client.get(_listings_url(listings["store"]), {"export": "csv"}))

    assert rows[0] == "Product,SKU,Status,Prices,Last listed"
    assert sorted(row.split(",")[0] for row in rows[1:]) == [
        "Alpha press",
        "Beta kettle",
        "Gamma lamp",
    ]


def test_listings_htmx_answers_only_the_results(owner_client, listings):
    response = owner_client.get(
        _listings_url(listings["store"]), {"status": "failed"}, HTTP_HX_REQUEST="true"
    )

    _htmx_only_results(response, "listing-table")
    assert _titles(response) == ["Beta kettle"]


def _listed(merchant, store, title: str) -> Listing:
    product = make_listable_product()
    draft = services.ListingDraft(
        product=product, variants=list(product.variants.all()), title=title
    )
    [job] = services.listing_start(merchant=merchant, actor=None, draft=draft, stores=[store])
    services.listing_run(job_id=job.pk, adapter=FakeAdapter())
    return Listing.objects.get(job=job)


def test_bulk_relist_sends_the_ticked_listings_of_this_store_only(
    owner_client, merchant, other_merchant
):
    store, theirs_store = make_store(merchant=merchant), make_store(merchant=other_merchant)
    first, second = _listed(merchant, store, "One"), _listed(merchant, store, "Two")
    theirs = _listed(other_merchant, theirs_store, "Theirs")
    before = set(Job.objects.values_list("pk", flat=True))

    response = owner_client.post(
        _listings_url(store),
        {"action": "relist", "ids": [first.public_id, second.public_id, theirs.public_id]},
    )

    jobs = list(Job.objects.exclude(pk__in=before).order_by("pk"))
    assert response["Location"] == (
        f"{reverse('stores:listing_progress')}?job={jobs[0].pk}&job={jobs[1].pk}"
    )
    assert sorted(Listing.objects.filter(job__in=jobs).values_list("title", flat=True)) == [
        "One",
        "Two",
    ]


# --- Held store orders -------------------------------------------------------------------------


@pytest.fixture
def held(merchant, other_merchant):
    """In Acme Shop: #7001 held by the review rule, #7002 by an unconnected variant (V9);
    another merchant's #9009."""
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    services.store_order_ingest(
        store=store, order=platform_order("7002", ("V9", 1)), via=ReceivedVia.WEBHOOK
    )
    services.store_settings_update(store=store, merchant=merchant, actor=None, hold_for_review=True)
    services.store_order_ingest(
        store=store, order=platform_order("7001", ("V1", 1)), via=ReceivedVia.WEBHOOK
    )
    theirs = make_store(merchant=other_merchant, name="Their Shop")
    services.store_order_ingest(
        store=theirs, order=platform_order("9009", ("V9", 1)), via=ReceivedVia.WEBHOOK
    )
    rows = {o.platform_order_id: o for o in StoreOrder.objects.all()}
    assert (rows["7001"].held_by_rule, rows["7002"].held_by_rule) == (True, False)
    return {"store": store, "theirs": theirs, **rows}


def _ids(response) -> list[str]:
    return [o.platform_order_id for o in response.context["page"].object_list]


def test_held_filters_by_why_and_search(owner_client, held):
    assert _ids(owner_client.get(HELD, {"why": "rule"})) == ["7001"]
    assert _ids(owner_client.get(HELD, {"why": "connect"})) == ["7002"]
    assert _ids(owner_client.get(HELD, {"q": "7002"})) == ["7002"]
    assert sorted(_ids(owner_client.get(HELD, {"store": held["store"].public_id}))) == [
        "7001",
        "7002",
    ]


def test_held_sorts_by_order(owner_client, held):
    assert _ids(owner_client.get(HELD, {"sort": "order"})) == ["7001", "7002"]
    assert _ids(owner_client.get(HELD, {"sort": "-order"})) == ["7002", "7001"]


def test_held_csv_holds_only_the_merchants_orders(owner_client, held):
    rows = _csv(owner_client.get(HELD, {"export": "csv", "sort": "order"}))

    assert rows[0] == "Store order,Store,Received,Why it is held"
    assert [row.split(",")[:2] for row in rows[1:]] == [
        ["#7001", "Acme Shop"],
        ["#7002", "Acme Shop"],
    ]


def test_held_htmx_answers_only_the_results(owner_client, held):
    response = owner_client.get(HELD, {"why": "rule"}, HTTP_HX_REQUEST="true")

    _htmx_only_results(response, "held-table")
    assert _ids(response) == ["7001"]


def test_held_of_another_merchants_store_is_404(owner_client, held):
    assert owner_client.get(HELD, {"store": held["theirs"].public_id}).status_code == 404


def test_bulk_import_imports_the_rule_held_orders_of_the_merchant_only(owner_client, held):
    ids = [held["7001"].pk, held["7002"].pk, held["9009"].pk]

    response = owner_client.post(HELD, {"action": "import", "ids": ids, "next": HELD})

    assert response.status_code == 302
    statuses = dict(StoreOrder.objects.values_list("platform_order_id", "status"))
    assert statuses == {
        "7001": StoreOrderStatus.IMPORTED,
        "7002": StoreOrderStatus.HELD,
        "9009": StoreOrderStatus.HELD,
    }


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "99999"}, {"sort": "hold_reason"}, {"per_page": "x"}, {"why": "?"}],
)
def test_bad_input_still_answers_the_lists(owner_client, held, query):
    for url in (STORES, HELD, _listings_url(held["store"])):
        response = owner_client.get(url, query)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("url", "text"),
    [(STORES, "Choose a platform above"), (HELD, "Orders held later show here")],
)
def test_empty_store_lists_say_what_to_do(owner_client, url, text):
    html = owner_client.get(url).content.decode()

    assert 'data-testid="empty-state"' in html
    assert text in html
    assert 'data-testid="export-csv"' not in html


# --- A store's connections ---------------------------------------------------------------------


@pytest.fixture
def variants(merchant, other_merchant):
    """Tee Shop's V1 (connected to the red tee), V2 and V3; another merchant's V9."""
    world = make_order_world()
    store = make_store(merchant=merchant, name="Tee Shop")
    v1, _v2, _v3 = import_variants(store, ("V1", world.red.sku), ("V2", "MUG-B"), ("V3", "CAP-A"))
    connect(store, v1, world.red)
    import_variants(make_store(merchant=other_merchant), ("V9", "THEIR-SKU"))
    return {"store": store, "world": world}


def _platform_ids(response) -> list[str]:
    return [v.platform_variant_id for v in response.context["page"].object_list]


def _connections_url(store) -> str:
    return reverse("stores:connections", args=[store.public_id])


def test_connections_filter_by_search_and_connection(owner_client, variants):
    url = _connections_url(variants["store"])

    assert _platform_ids(owner_client.get(url, {"q": "mug-b"})) == ["V2"]
    assert _platform_ids(owner_client.get(url, {"show": "connected"})) == ["V1"]
    assert sorted(_platform_ids(owner_client.get(url, {"show": "unconnected"}))) == ["V2", "V3"]


def test_connections_sort_by_sku(owner_client, variants):
    url = _connections_url(variants["store"])

    skus = [v.sku for v in owner_client.get(url, {"sort": "-sku"}).context["page"].object_list]

    assert skus == sorted([variants["world"].red.sku, "MUG-B", "CAP-A"], reverse=True)


def test_connections_csv_holds_only_this_stores_variants(owner_client, variants):
    rows = _csv(owner_client.get(_connections_url(variants["store"]), {"export": "csv"}))

    assert rows[0] == "Store variant,SKU,Price,Dropyard variant"
    skus = sorted(row.split(",")[1] for row in rows[1:])
    assert skus == sorted([variants["world"].red.sku, "MUG-B", "CAP-A"])
    assert "THEIR-SKU" not in "\n".join(rows)


def test_connections_htmx_brings_the_row_forms_along(owner_client, variants):
    store = variants["store"]
    response = owner_client.get(
        _connections_url(store), {"show": "unconnected"}, HTTP_HX_REQUEST="true"
    )

    _htmx_only_results(response, "variant-table")
    html = response.content.decode()
    v2 = store.variants.get(platform_variant_id="V2")
    create = reverse("stores:connection_create", args=[store.public_id, v2.pk])
    assert f'<form id="sv-connect-{v2.pk}" method="post" action="{create}">' in html
    assert f'name="variant" form="sv-connect-{v2.pk}"' in html


@pytest.mark.parametrize("query", [{"page": "0"}, {"sort": "connection"}, {"show": "both"}])
def test_connections_bad_input_still_answers(owner_client, variants, query):
    response = owner_client.get(_connections_url(variants["store"]), query)

    assert response.status_code == 200
    assert len(_platform_ids(response)) == 3


# --- Pricing rules -----------------------------------------------------------------------------

RULES = "/stores/pricing/"


@pytest.fixture
def rules(merchant, other_merchant):
    """The merchant's default (×2), Tee Shop's (×3 + $1.50, compare-at ×1.3) and Mugs' (×2.5)
    rules; another merchant's rule for their own Tee Shop."""
    tee = make_store(merchant=merchant, name="Tee Shop")
    mugs = make_store(merchant=merchant, name="Mug Store")
    theirs = make_store(merchant=other_merchant, name="Their Tee Shop")
    create = services.pricing_rule_create
    return {
        "default": create(merchant=merchant, actor=None, multiplier_bp=20_000),
        "tee": create(
            merchant=merchant,
            actor=None,
            store=tee,
            multiplier_bp=30_000,
            add_minor=150,
            compare_at_bp=13_000,
        ),
        "mugs": create(merchant=merchant, actor=None, store=mugs, multiplier_bp=25_000),
        "theirs": create(merchant=other_merchant, actor=None, store=theirs, multiplier_bp=40_000),
    }


def _multipliers(response) -> list[int]:
    return [rule.multiplier_bp for rule in response.context["page"].object_list]


def test_rules_list_shows_the_merchants_rules_only(owner_client, rules):
    response = owner_client.get(RULES)

    html = response.content.decode()
    assert sorted(_multipliers(response)) == [20_000, 25_000, 30_000]
    assert html.count('data-testid="rule-row"') == 3
    assert "Their Tee Shop" not in html
    assert "Tee Shop (all categories)" in html
    assert "Default (all stores, all categories)" in html
    assert '<span class="text-nowrap">×3 + $1.50</span>' in html
    assert "price ×1.3" in html
    assert "A $10.00 cost lists at" in html
    assert "$31.99" in html  # 10.00 × 3 + 1.50 = 31.50 → 31.99
    assert 'data-label="Applies to"' in html  # phone cards name each cell
    assert 'data-testid="export-csv"' in html


def test_rules_list_searches_store_and_category(owner_client, rules):
    assert _multipliers(owner_client.get(RULES, {"q": "mug"})) == [25_000]
    assert _multipliers(owner_client.get(RULES, {"q": "their"})) == []
    empty = owner_client.get(RULES, {"q": "nothing"}).content.decode()
    assert "No pricing rule matches this search." in empty
    assert 'data-testid="rules-empty"' not in empty


def test_rules_list_sorts_by_price_both_ways(owner_client, rules):
    assert _multipliers(owner_client.get(RULES, {"sort": "price"})) == [20_000, 25_000, 30_000]
    assert _multipliers(owner_client.get(RULES, {"sort": "-price"})) == [30_000, 25_000, 20_000]
    by_scope = owner_client.get(RULES, {"sort": "scope", "q": "s"})  # the two store rules
    assert _multipliers(by_scope) == [25_000, 30_000]  # Mug Store, Tee Shop


def test_rules_list_paginates(owner_client, merchant):
    for n in range(27):
        services.pricing_rule_create(
            merchant=merchant, actor=None, category=CategoryFactory(), multiplier_bp=10_000 + n
        )

    first = owner_client.get(RULES, {"sort": "price"})
    last = owner_client.get(RULES, {"sort": "price", "page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert _multipliers(last) == [10_025, 10_026]
    assert 'data-testid="page-sizes"' in first.content.decode()
    assert len(owner_client.get(RULES, {"per_page": "50"}).context["page"].object_list) == 27


def test_rules_csv_holds_only_the_merchants_rules(owner_client, rules):
    rows = _csv(owner_client.get(RULES, {"export": "csv", "sort": "-price"}))

    assert rows[0] == "Applies to,Price,Compare-at,A $10.00 cost lists at"
    assert rows[1:] == [
        "Tee Shop (all categories),×3 + $1.50 (Up to .99),price ×1.3,$31.99",
        "Mug Store (all categories),×2.5 (Up to .99),,$25.99",
        '"Default (all stores, all categories)",×2 (Up to .99),,$20.99',
    ]


def test_rules_htmx_answers_only_the_results(owner_client, rules):
    response = owner_client.get(RULES, {"q": "tee"}, HTTP_HX_REQUEST="true")

    _htmx_only_results(response, "rule-table")
    assert _multipliers(response) == [30_000]
    assert 'data-testid="rule-new"' not in response.content.decode()


# --- Store access ------------------------------------------------------------------------------

ACCESS = "/stores/access/"


def _emails(response) -> list[str]:
    return [member.user.email for member in response.context["page"].object_list]


@pytest.fixture
def access(merchant, other_merchant):
    """Two staff members (one limited to Alpha), an admin (not listed) and another merchant's
    staff member."""
    alpha = make_store(merchant=merchant, name="Alpha")
    make_store(merchant=merchant, name="Beta")
    limited = make_staff(merchant=merchant, permissions=["stores"])
    everywhere = make_staff(merchant=merchant, permissions=["orders"])
    Membership.objects.filter(user=limited).update(store_ids=[alpha.pk])
    make_member(merchant=merchant, role="admin")
    theirs = make_staff(merchant=other_merchant)
    return {"limited": limited, "everywhere": everywhere, "theirs": theirs}


def test_access_list_shows_the_merchants_staff_only(owner_client, access):
    response = owner_client.get(ACCESS)

    html = response.content.decode()
    assert sorted(_emails(response)) == sorted(
        [access["limited"].email, access["everywhere"].email]
    )
    assert access["theirs"].email not in html
    row = html[html.index(f'data-testid="access-{response.context["page"][0].pk}"') :]
    assert 'data-label="Stores"' in row
    assert "Alpha" in html
    assert "Every store" in html


def test_access_list_searches_and_sorts_by_email(owner_client, access):
    limited, everywhere = access["limited"].email, access["everywhere"].email

    assert _emails(owner_client.get(ACCESS, {"q": limited})) == [limited]
    assert _emails(owner_client.get(ACCESS, {"q": access["theirs"].email})) == []
    assert _emails(owner_client.get(ACCESS, {"sort": "email"})) == sorted([limited, everywhere])
    assert _emails(owner_client.get(ACCESS, {"sort": "-email"})) == sorted(
        [limited, everywhere], reverse=True
    )


def test_access_list_paginates(owner_client, merchant):
    for _n in range(26):
        make_staff(merchant=merchant)

    assert len(owner_client.get(ACCESS).context["page"].object_list) == 25
    assert len(owner_client.get(ACCESS, {"page": "2"}).context["page"].object_list) == 1


def test_access_csv_names_each_staff_members_stores(owner_client, access):
    rows = _csv(owner_client.get(ACCESS, {"export": "csv", "sort": "email"}))

    assert rows[0] == "Staff member,Stores"
    expected = sorted(
        [f"{access['limited'].email},Alpha", f"{access['everywhere'].email},Every store"]
    )
    assert rows[1:] == expected


def test_access_htmx_answers_only_the_results(owner_client, access):
    response = owner_client.get(ACCESS, {"q": "nobody-here"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-form"' not in html
    assert "<html" not in html
    assert "No staff member matches this search." in html


def test_access_empty_state_points_to_the_team_page(owner_client):
    html = owner_client.get(ACCESS).content.decode()

    assert 'data-testid="empty-state"' in html
    assert f'<a href="{reverse("accounts:team")}">Team</a>' in html


# --- The listing wizard's product choice -------------------------------------------------------

CHOOSE = "/stores/listing/new/"


@pytest.fixture
def products(merchant, other_merchant):
    from dropyard.catalog import services as catalog_services

    made = {
        "cheap": make_listable_product(costs=(300, 900)),
        "dear": make_listable_product(costs=(2500,)),
        "saved": make_listable_product(costs=(1200,)),
        "theirs": make_listable_product(costs=(700,)),
    }
    catalog_services.my_product_add(merchant=merchant, product=made["saved"], actor=None)
    catalog_services.my_product_add(merchant=other_merchant, product=made["theirs"], actor=None)
    return made


def _skus(response) -> list[str]:
    return [product.sku for product in response.context["page"].object_list]


def test_choose_lists_on_sale_products_my_products_first(owner_client, products):
    response = owner_client.get(CHOOSE)

    html = response.content.decode()
    skus = _skus(response)
    assert skus[0] == products["saved"].sku
    assert sorted(skus) == sorted(p.sku for p in products.values())
    assert html.count("My Products</span>") == 1  # another merchant's saved product: no badge
    assert f'data-testid="choose-{products["cheap"].sku}"' in html
    assert reverse("stores:listing_new", args=[products["cheap"].public_id]) in html
    assert ">$3.00</td>" in html  # the cheapest on-sale variant's cost
    assert 'data-label="Cost from"' in html  # phone cards name each cell


def test_choose_my_products_only_is_the_members_merchants(owner_client, products):
    assert _skus(owner_client.get(CHOOSE, {"mine": "on"})) == [products["saved"].sku]


def test_choose_searches_name_and_sku(owner_client, products):
    dear = products["dear"]
    variant_sku = dear.variants.get().sku

    assert _skus(owner_client.get(CHOOSE, {"q": dear.sku})) == [dear.sku]
    assert _skus(owner_client.get(CHOOSE, {"q": variant_sku})) == [dear.sku]
    assert _skus(owner_client.get(CHOOSE, {"q": dear.sku, "mine": "on"})) == []


def test_choose_sorts_by_cost_both_ways(owner_client, products):
    costs = [p.cost_from for p in owner_client.get(CHOOSE, {"sort": "cost_from"}).context["page"]]
    down = owner_client.get(CHOOSE, {"sort": "-cost_from"}).context["page"].object_list

    assert costs == [300, 700, 1200, 2500]
    assert [p.cost_from for p in down] == [2500, 1200, 700, 300]


def test_choose_paginates(owner_client):
    for _n in range(26):
        make_listable_product(costs=(500,), images=0)

    first = owner_client.get(CHOOSE)
    second = owner_client.get(CHOOSE, {"page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert set(_skus(first)).isdisjoint(_skus(second))


def test_choose_csv_has_the_shown_columns_and_no_buttons(owner_client, products):
    rows = _csv(owner_client.get(CHOOSE, {"export": "csv", "q": products["saved"].sku}))

    assert rows == [
        "Product,SKU,Cost from",
        f"{products['saved'].name},{products['saved'].sku},$12.00",
    ]


def test_choose_htmx_answers_only_the_results(owner_client, products):
    response = owner_client.get(CHOOSE, {"q": "no-such-product"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-form"' not in html
    assert "<html" not in html
    assert "No product on sale matches “no-such-product”." in html


@pytest.mark.parametrize(
    "query", [{"mine": "bogus"}, {"sort": "nope"}, {"page": "x"}, {"page": "999"}, {"q": "a" * 101}]
)
def test_choose_bad_input_still_answers(owner_client, products, query):
    assert owner_client.get(CHOOSE, query).status_code == 200


def test_choose_empty_my_products_points_to_the_catalog(owner_client, products):
    from dropyard.catalog.models import MyProduct

    MyProduct.objects.all().delete()
    html = owner_client.get(CHOOSE, {"mine": "on"}).content.decode()

    assert 'data-testid="products-empty"' in html
    assert "None of My Products is on sale." in html
