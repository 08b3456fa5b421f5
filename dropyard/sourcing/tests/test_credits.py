import pytest
from django.utils import timezone

from dropyard.catalog.tests.factories import make_category_path
from dropyard.orders.models import Order
from dropyard.orders.services import order_create
from dropyard.orders.tests.factories import order_item
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import AuthorityEventKind
from dropyard.sourcing.credits import sourcing_sold_credit_sweep
from dropyard.sourcing.models import AuthorityEvent
from dropyard.sourcing.publishing import sourcing_publish
from dropyard.sourcing.tasks import sourcing_sold_credit_sweep_task

pytestmark = pytest.mark.django_db


def _published(merchant, owner, agent):
    request = svc.sourcing_request_create(
        merchant=merchant, actor=owner, product_name="Stand", source_url="https://a.example/1"
    ).request
    svc.sourcing_claim(request=request, actor=agent)
    request.refresh_from_db()
    return sourcing_publish(
        request=request,
        actor=agent,
        name="Stand",
        category=make_category_path(),
        price_minor=420,
        weight_g=90,
        private=False,
    )


def _order(merchant, variant, *, paid: bool) -> Order:
    order = order_create(merchant=merchant, actor=merchant.owner, **order_item((variant, 1)))
    if paid:
        Order.objects.filter(pk=order.pk).update(paid_at=timezone.now())
    return order


def test_a_paid_order_of_the_merchant_credits_the_request_once(assigned, owner, agent):
    done = _published(assigned, owner, agent)
    before = svc.quota_for(assigned).score
    _order(assigned, done.variant, paid=True)

    first = sourcing_sold_credit_sweep()
    again = sourcing_sold_credit_sweep()

    done.request.refresh_from_db()
    assert (first, again) == (1, 0)
    assert done.request.sold_credited_at is not None
    assert svc.quota_for(assigned).score == before + 5
    assert AuthorityEvent.objects.filter(kind=AuthorityEventKind.SOLD).count() == 1


def test_unpaid_or_other_merchants_orders_do_not_credit(assigned, owner, agent, other_merchant):
    done = _published(assigned, owner, agent)
    _order(assigned, done.variant, paid=False)
    _order(other_merchant, done.variant, paid=True)

    assert sourcing_sold_credit_sweep_task.call() == 0
    done.request.refresh_from_db()
    assert done.request.sold_credited_at is None
