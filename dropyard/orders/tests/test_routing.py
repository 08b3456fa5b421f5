"""The pure routing planner: sources, line choice, promise, split. No database."""

from types import SimpleNamespace

from dropyard.logistics.choices import FallbackPolicy
from dropyard.orders import routing


def _line(pk, name, **fields):
    data = {
        "pk": pk,
        "name": name,
        "code": name.upper(),
        "is_active": True,
        "allowed_properties": [],
        "max_weight_g": 0,
        "volumetric_divisor": 5000,
    }
    data.update(fields)
    return SimpleNamespace(**data)


def _card(line, origin, dest, first, days, step=0):
    return SimpleNamespace(
        line_id=line.pk,
        origin_country=origin,
        dest_country=dest,
        postcode_prefix="",
        pricing_mode="first_additional",
        first_weight_g=500,
        first_price_minor=first,
        step_weight_g=500 if step else 0,
        step_price_minor=step,
        bands=[],
        handling_fee_minor=0,
        remote_surcharge_minor=0,
        remote_postcode_prefixes=[],
        min_days=days[0],
        max_days=days[1],
        currency="USD",
    )


SLOW = _line(1, "Slow")
FAST = _line(2, "Fast")
LOCAL = _line(3, "Local")
BOOK = routing.RateBook.build(
    [
        _card(SLOW, "CN", "US", 500, (7, 12), step=150),
        _card(FAST, "CN", "US", 1500, (3, 5), step=500),
        _card(LOCAL, "US", "US", 300, (2, 5), step=100),
    ],
    [SLOW, FAST, LOCAL],
)


def _item(key, variant, qty, price=1000, weight=200, properties=()):
    return routing.PlanItem(
        key=key,
        variant_id=variant,
        sku=f"SKU{variant}",
        quantity=qty,
        unit_price_minor=price,
        weight_g=weight,
        properties=frozenset(properties),
    )


def _src(wh, country, available, private=False):
    return routing.Source(wh, f"W{wh}", country, private, available)


def _plan(items, sources, policy=None):
    return routing.plan_route(
        items=items,
        sources=sources,
        book=BOOK,
        dest="US",
        postcode="90001",
        policy=policy or routing.LinePolicy(),
    )


def test_cheapest_source_and_line():
    plan = _plan([_item(0, 1, 1)], [_src(1, "CN", {1: 5}), _src(2, "US", {1: 5})])
    assert plan.ok
    assert [(p.source.warehouse_id, p.option.line_name) for p in plan.parcels] == [(2, "Local")]
    assert (plan.product_minor, plan.postage_minor) == (1000, 300)


def test_private_stock_is_free_and_wins():
    plan = _plan([_item(0, 1, 2)], [_src(1, "CN", {1: 5}, private=True), _src(2, "US", {1: 5})])
    assert plan.parcels[0].source.private is True
    assert plan.product_minor == 0
    assert plan.private_units == {0: 2}


def test_one_warehouse_preferred_over_split():
    items = [_item(0, 1, 1), _item(1, 2, 1)]
    plan = _plan(items, [_src(1, "CN", {1: 5, 2: 5}), _src(2, "US", {1: 5})])
    assert len(plan.parcels) == 1


def test_split_when_no_source_has_everything():
    items = [_item(0, 1, 1), _item(1, 2, 1)]
    plan = _plan(items, [_src(1, "CN", {2: 5}), _src(2, "US", {1: 5})])
    assert sorted((p.source.warehouse_id, p.allocations) for p in plan.parcels) == [
        (1, [(1, 1)]),
        (2, [(0, 1)]),
    ]


def test_quantity_split_across_sources():
    plan = _plan([_item(0, 1, 5)], [_src(1, "CN", {1: 3}), _src(2, "US", {1: 2})])
    assert plan.ok
    assert sorted(q for p in plan.parcels for _k, q in p.allocations) == [2, 3]


def test_short_stock_is_a_miss_with_reason():
    plan = _plan([_item(0, 1, 5)], [_src(1, "CN", {1: 3})])
    assert plan.ok is False
    assert plan.reasons == [
        {"code": "no_stock", "message": "not enough stock of SKU1: 5 needed, 3 available"}
    ]


def test_requested_line_wins_when_it_can_ship():
    plan = _plan(
        [_item(0, 1, 1)], [_src(1, "CN", {1: 5})], routing.LinePolicy(requested_line_id=FAST.pk)
    )
    assert plan.parcels[0].option.line_name == "Fast"
    assert plan.parcels[0].why == "requested line"


def test_default_line_is_used_and_sets_the_promise():
    # Default line Fast (3-5 days) although Slow is cheaper.
    policy = routing.LinePolicy(default_line_id=FAST.pk)
    plan = _plan([_item(0, 1, 1)], [_src(1, "CN", {1: 5})], policy)
    assert plan.parcels[0].option.line_name == "Fast"
    assert plan.promise_days == 5


LIGHT = _line(4, "Light", max_weight_g=100)


def _plan_with_light_default(fallback=FallbackPolicy.CHEAPEST):
    """One 200 g item from CN; the default line Light carries at most 100 g, Slow any."""
    book = routing.RateBook.build(
        [_card(LIGHT, "CN", "US", 100, (5, 9)), _card(SLOW, "CN", "US", 500, (7, 12))],
        [LIGHT, SLOW],
    )
    return routing.plan_route(
        items=[_item(0, 1, 1)],
        sources=[_src(1, "CN", {1: 5})],
        book=book,
        dest="US",
        postcode="",
        policy=routing.LinePolicy(default_line_id=LIGHT.pk, fallback=fallback),
    )


def test_default_refuse_policy():
    plan = _plan_with_light_default(FallbackPolicy.REFUSE)
    assert plan.ok is False
    assert plan.reasons[0]["code"] == "default_line_refused"


def test_property_restriction_reason():
    plan = _plan([_item(0, 1, 1, properties=["battery"])], [_src(1, "CN", {1: 5})])
    assert plan.ok is False
    assert {r["code"] for r in plan.reasons} == {"property"}


def test_no_route_reason():
    plan = routing.plan_route(
        items=[_item(0, 1, 1)],
        sources=[_src(1, "CN", {1: 5})],
        book=BOOK,
        dest="DE",
        postcode="",
        policy=routing.LinePolicy(),
    )
    assert plan.ok is False
    assert plan.reasons[0]["code"] == "no_route"


def test_line_named_matches_name_or_code_case_insensitively():
    assert BOOK.line_named("slow") is SLOW
    assert BOOK.line_named("FAST") is FAST
    assert BOOK.line_named("nope") is None


def test_default_line_used_says_so_in_the_plan_why():
    policy = routing.LinePolicy(default_line_id=FAST.pk)
    plan = _plan([_item(0, 1, 1)], [_src(1, "CN", {1: 5})], policy)

    assert plan.parcels[0].why == "merchant default line"
    assert plan.why == (
        "1 parcel from W1: lowest landed cost of 1 feasible plan within the 5-day promise;"
        " the merchant's default line Fast is used"
    )


def test_default_line_not_serving_the_warehouse_is_skipped_with_the_reason():
    # Default Fast ships only CN → US; the stock is in the US warehouse.
    policy = routing.LinePolicy(default_line_id=FAST.pk)
    plan = _plan([_item(0, 1, 1)], [_src(2, "US", {1: 5})], policy)

    assert [(p.source.warehouse_code, p.option.line_name) for p in plan.parcels] == [
        ("W2", "Local")
    ]
    assert plan.parcels[0].why == (
        "cheapest line (default line Fast not used: it does not ship from US to US)"
    )
    assert plan.why.endswith(
        "; the merchant's default line Fast is not used: from W2, it does not ship from US to US"
    )


def test_default_line_over_its_weight_limit_is_skipped_with_the_limit():
    plan = _plan_with_light_default()

    assert plan.parcels[0].option.line_name == "Slow"
    assert plan.parcels[0].why == (
        "cheapest line (default line Light not used: Light cannot carry 200 g (limit 100 g))"
    )
    assert plan.why.endswith(
        "; the merchant's default line Light is not used: from W1, Light cannot carry 200 g "
        "(limit 100 g)"
    )


def test_default_line_beaten_by_a_cheaper_plan_within_its_promise_says_by_how_much():
    # Fast (CN, 3-5 days, $15.00) is the default; Local from the US warehouse ships within
    # the same 5 days for $3.00, so that plan wins and the page says why.
    policy = routing.LinePolicy(default_line_id=FAST.pk)
    plan = _plan([_item(0, 1, 1)], [_src(1, "CN", {1: 5}), _src(2, "US", {1: 5})], policy)

    assert [(p.source.warehouse_code, p.option.line_name) for p in plan.parcels] == [
        ("W2", "Local")
    ]
    assert plan.why.endswith(
        "; the merchant's default line Fast is not used: shipping on it (from W1) costs "
        "12.00 USD more, and this plan arrives within its 5-day promise"
    )
