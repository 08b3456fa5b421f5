import pytest

from dropyard.catalog import selectors
from dropyard.catalog.exceptions import CatalogError, VariantNotFound
from dropyard.catalog.merchant_prices import merchant_price_clear, merchant_price_set
from dropyard.catalog.models import MerchantPrice
from dropyard.catalog.tests.factories import make_product
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def variants():
    return list(make_product(variants=2).variants.order_by("position"))  # 1250 each


def test_set_then_clear_goes_back_to_the_list_price(merchant, owner, variants):
    red, blue = variants

    merchant_price_set(merchant=merchant, variant=red, price_minor=900, actor=owner, reference="N1")
    priced = selectors.unit_prices_for(merchant, variants)
    cleared = merchant_price_clear(merchant=merchant, variant=red, actor=owner)

    assert priced == {red.pk: 900, blue.pk: 1250}
    assert cleared is True
    assert selectors.unit_price_for(merchant, red) == 1250
    details = list(
        AuditEvent.objects.filter(action=AuditAction.MERCHANT_PRICE_SET)
        .order_by("pk")
        .values_list("details", flat=True)
    )
    assert [(d["from"], d["to"], d["reference"]) for d in details] == [
        (None, 900, "N1"),
        (900, None, ""),
    ]


def test_clear_without_a_price_changes_nothing(merchant, owner, variants):
    assert merchant_price_clear(merchant=merchant, variant=variants[0], actor=owner) is False
    assert AuditEvent.objects.filter(action=AuditAction.MERCHANT_PRICE_SET).count() == 0


@pytest.mark.parametrize("price", [0, -5, "900", True, 10**10 + 1])
def test_set_refuses_a_price_that_is_not_positive_whole_cents(merchant, owner, variants, price):
    with pytest.raises(CatalogError):
        merchant_price_set(merchant=merchant, variant=variants[0], price_minor=price, actor=owner)

    assert MerchantPrice.objects.count() == 0


def test_prices_are_per_merchant(merchant, other_merchant, owner, variants):
    red = variants[0]
    merchant_price_set(merchant=merchant, variant=red, price_minor=700, actor=owner)

    assert selectors.unit_price_for(other_merchant, red) == 1250
    assert selectors.unit_price_for(None, red) == 1250
    assert selectors.unit_price_for(merchant, red) == 700


def test_a_list_price_below_the_agreed_price_wins(merchant, owner, variants):
    red = variants[0]
    merchant_price_set(merchant=merchant, variant=red, price_minor=1100, actor=owner)
    red.price_minor = 1000
    red.save(update_fields=["price_minor"])

    assert selectors.unit_price_for(merchant, red) == 1000


def test_unit_prices_for_is_one_query(merchant, owner, variants, django_assert_num_queries):
    merchant_price_set(merchant=merchant, variant=variants[1], price_minor=800, actor=owner)

    with django_assert_num_queries(1):
        prices = selectors.unit_prices_for(merchant, variants)

    assert prices == {variants[0].pk: 1250, variants[1].pk: 800}


def test_variant_of_another_merchants_private_product_is_not_found(
    merchant, other_merchant, variants
):
    product = variants[0].product
    product.private_for = other_merchant
    product.save(update_fields=["private_for"])

    with pytest.raises(VariantNotFound):
        selectors.variant_get_for_merchant(merchant=merchant, key=variants[0].sku)
    found = selectors.variant_get_for_merchant(merchant=other_merchant, key=variants[0].public_id)

    assert found == variants[0]
