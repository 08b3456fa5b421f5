"""The API's dispute reads: the merchant's own disputes, within the token's store scope."""

import pytest

from dropyard.accounts.tests.factories import make_merchant
from dropyard.aftersales import selectors_api, services
from dropyard.aftersales.exceptions import DisputeNotFound
from dropyard.aftersales.tests.factories import delivered_order, make_shop

pytestmark = pytest.mark.django_db


def test_a_store_scope_hides_disputes_of_orders_outside_it():
    shop = make_shop()
    order = delivered_order(shop)  # entered directly: no store's order
    dispute = services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=3,
        expect_type=1,
        message_text="Broken",
        lines=[services.ClaimLine(order.lines.order_by("pk")[0].line_item_id, 1)],
    )

    everything = selectors_api.disputes_for_api(merchant=shop.merchant)
    scoped = selectors_api.disputes_for_api(merchant=shop.merchant, store_ids=frozenset({1}))

    assert list(everything) == [dispute]
    assert list(scoped) == []
    with pytest.raises(DisputeNotFound):
        selectors_api.dispute_for_api(
            merchant=shop.merchant, store_ids=frozenset(), public_id=dispute.public_id
        )
    with pytest.raises(DisputeNotFound):
        selectors_api.dispute_for_api(
            merchant=make_merchant(business_name="Other"), public_id=dispute.public_id
        )
    assert (
        selectors_api.dispute_for_api(merchant=shop.merchant, public_id=dispute.public_id)
        == dispute
    )
