import pytest

from dropyard.catalog.tests.factories import make_category_path
from dropyard.demo.sourcing import REQUESTS, load_sourcing
from dropyard.sourcing.choices import SourcingStatus
from dropyard.sourcing.models import SourcingRequest

pytestmark = pytest.mark.django_db


def test_one_request_in_each_status_once(assigned, agent):
    make_category_path()
    merchant = assigned

    first = load_sourcing(merchant=merchant, owner=merchant.owner, agent=agent)
    again = load_sourcing(merchant=merchant, owner=merchant.owner, agent=agent)

    statuses = sorted(SourcingRequest.objects.values_list("status", flat=True))
    assert (len(first), again) == (len(REQUESTS), [])
    assert set(statuses) == set(SourcingStatus.values)
    published = SourcingRequest.objects.get(status=SourcingStatus.PUBLISHED)
    assert published.product.private_for == merchant
