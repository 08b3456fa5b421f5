"""Pricing rule services: validation, tenancy, audit, and the prices the rules give."""

import pytest

from dropyard.catalog.tests.factories import make_category_path
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import selectors_listing, services
from dropyard.stores.exceptions import StoreInvalid, StoreNotFound
from dropyard.stores.models import PricingRule
from dropyard.stores.pricing import Prices
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.listing_helpers import make_listable_product

pytestmark = pytest.mark.django_db


def _create(merchant, **fields):
    return services.pricing_rule_create(
        merchant=merchant, actor=merchant.owner, **{"multiplier_bp": 25_000, **fields}
    )


def test_create_records_the_rule_and_audits_it(merchant):
    store = make_store(merchant=merchant)

    rule = _create(merchant, store=store, add_minor=150, rounding="95", compare_at_bp=15_000)

    assert (rule.store, rule.category, rule.multiplier_bp, rule.add_minor) == (
        store,
        None,
        25_000,
        150,
    )
    event = AuditEvent.objects.get(action=AuditAction.PRICING_RULE_CHANGED)
    assert event.details == {
        "created": {
            "store": store.public_id,
            "category": "",
            "multiplier_bp": 25_000,
            "add_minor": 150,
            "rounding": "95",
            "compare_at_bp": 15_000,
        }
    }
    assert event.target_label == f"{store.name} (all categories)"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"multiplier_bp": 0}, {"multiplier_bp": "the multiplier must be between 0.0001 and 100"}),
        (
            {"multiplier_bp": 1_000_001},
            {"multiplier_bp": "the multiplier must be between 0.0001 and 100"},
        ),
        ({"add_minor": -1}, {"add_minor": "the fixed add must be between 0 and 1,000,000"}),
        ({"rounding": "90"}, {"rounding": "rounding must be one of 99, 95, none"}),
        (
            {"compare_at_bp": 10_000},
            {"compare_at_bp": "the compare-at multiplier must be above 1 (or empty for none)"},
        ),
        (
            {"multiplier_bp": "2", "add_minor": 1.5},
            {
                "multiplier_bp": "the multiplier must be between 0.0001 and 100",
                "add_minor": "the fixed add must be between 0 and 1,000,000",
            },
        ),
    ],
)
def test_create_refuses_bad_terms_with_field_errors_and_writes_nothing(merchant, fields, errors):
    with pytest.raises(StoreInvalid) as caught:
        _create(merchant, **fields)

    assert caught.value.extra["errors"] == errors
    assert PricingRule.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.PRICING_RULE_CHANGED).exists()


def test_a_second_rule_for_the_same_scope_is_refused(merchant):
    category = make_category_path()
    _create(merchant, category=category)

    with pytest.raises(StoreInvalid) as caught:
        _create(merchant, category=category, multiplier_bp=30_000)

    assert caught.value.message == (
        "scope: a rule for this store and category already exists; change it"
    )
    assert PricingRule.objects.count() == 1


def test_another_merchants_store_or_rule_is_not_found(merchant, other_merchant):
    theirs = make_store(merchant=other_merchant)
    their_rule = _create(other_merchant)

    with pytest.raises(StoreNotFound):
        _create(merchant, store=theirs)
    with pytest.raises(StoreNotFound):
        services.pricing_rule_update(
            merchant=merchant, rule=their_rule, actor=merchant.owner, multiplier_bp=10_000
        )
    with pytest.raises(StoreNotFound):
        services.pricing_rule_delete(merchant=merchant, rule=their_rule, actor=merchant.owner)
    with pytest.raises(StoreNotFound):
        selectors_listing.pricing_rule_get(merchant=merchant, public_id=their_rule.public_id)

    their_rule.refresh_from_db()
    assert their_rule.multiplier_bp == 25_000


def test_update_audits_before_and_after_and_delete_audits_the_rule(merchant):
    rule = _create(merchant)

    services.pricing_rule_update(
        merchant=merchant, rule=rule, actor=merchant.owner, multiplier_bp=30_000, rounding="none"
    )
    services.pricing_rule_update(
        merchant=merchant, rule=rule, actor=merchant.owner, multiplier_bp=30_000, rounding="none"
    )
    services.pricing_rule_delete(merchant=merchant, rule=rule, actor=merchant.owner)

    events = list(AuditEvent.objects.filter(action=AuditAction.PRICING_RULE_CHANGED).order_by("pk"))
    assert [sorted(e.details) for e in events] == [["created"], ["after", "before"], ["deleted"]]
    assert (events[1].details["before"]["multiplier_bp"], events[1].details["after"]) == (
        25_000,
        {
            "store": "",
            "category": "",
            "multiplier_bp": 30_000,
            "add_minor": 0,
            "rounding": "none",
            "compare_at_bp": 0,
        },
    )
    assert events[2].target_label == "Default (all stores, all categories)"
    assert PricingRule.objects.count() == 0


def test_prices_follow_the_priority_of_the_merchants_rules(merchant, other_merchant):
    store, other_store = make_store(merchant=merchant), make_store(merchant=merchant)
    product = make_listable_product(costs=(840, 1000))
    red, blue = product.variants.order_by("position")
    grandparent = product.category.parent.parent
    _create(other_merchant, multiplier_bp=100_000)  # never applies to this merchant

    def prices(on=store):
        found = selectors_listing.prices_for(merchant=merchant, store=on, variants=[red, blue])
        return [found[red.pk], found[blue.pk]]

    assert prices() == [Prices(1699), Prices(2099)]  # built-in default: ×2, .99
    _create(merchant, multiplier_bp=30_000, rounding="none")
    assert prices() == [Prices(2520), Prices(3000)]
    _create(merchant, category=grandparent, multiplier_bp=25_000, add_minor=150)
    assert prices() == [Prices(2299), Prices(2699)]
    _create(merchant, store=store, multiplier_bp=15_000, rounding="95")
    assert prices() == [Prices(1295), Prices(1595)]
    assert prices(other_store) == [Prices(2299), Prices(2699)]
    _create(
        merchant,
        store=store,
        category=product.category,
        multiplier_bp=20_000,
        compare_at_bp=20_000,
    )
    assert prices() == [Prices(1699, 3399), Prices(2099, 4199)]
