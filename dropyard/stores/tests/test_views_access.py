"""The store-access pages: a manager chooses a staff member's stores among the merchant's real
stores (saved by accounts' member_update), and the choice takes effect on the store pages."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_member, make_staff
from dropyard.stores.tests.factories import make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def stores(merchant):
    return make_store(merchant=merchant, name="Alpha"), make_store(merchant=merchant, name="Beta")


def _membership(merchant, user) -> Membership:
    return Membership.objects.get(merchant=merchant, user=user)


def test_access_list_shows_staff_and_their_stores(owner_client, merchant, stores):
    alpha, _beta = stores
    limited = make_staff(merchant=merchant, permissions=["stores"])
    everywhere = make_staff(merchant=merchant, permissions=["orders"])
    make_member(merchant=merchant, role="admin")
    Membership.objects.filter(user=limited).update(store_ids=[alpha.pk])

    html = owner_client.get(reverse("stores:access")).content.decode()

    assert html.count('data-testid="access-') == 3  # the table and two staff rows
    assert limited.email in html
    assert everywhere.email in html
    assert f'data-testid="access-{_membership(merchant, limited).pk}"' in html
    assert "Alpha" in html
    assert "Every store" in html


def test_access_edit_limits_then_frees_a_staff_member(owner_client, merchant, stores):
    alpha, beta = stores
    user = make_staff(merchant=merchant, permissions=["stores"])
    member = _membership(merchant, user)
    url = reverse("stores:access_edit", args=[member.pk])

    response = owner_client.post(url, {"stores": [str(beta.pk)]})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.store_ids == [beta.pk]
    client = Client()
    client.force_login(user)
    assert client.get(reverse("stores:detail", args=[alpha.public_id])).status_code == 404
    assert client.get(reverse("stores:detail", args=[beta.public_id])).status_code == 200

    assert owner_client.post(url, {"all": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.store_ids == []
    assert client.get(reverse("stores:detail", args=[alpha.public_id])).status_code == 200


def test_access_edit_refuses_nothing_ticked_and_foreign_stores(
    owner_client, merchant, other_merchant, stores
):
    theirs = make_store(merchant=other_merchant, name="Theirs")
    member = _membership(merchant, make_staff(merchant=merchant, permissions=["stores"]))
    url = reverse("stores:access_edit", args=[member.pk])

    empty = owner_client.post(url, {})
    foreign = owner_client.post(url, {"stores": [str(theirs.pk)]})

    assert empty.status_code == 400
    assert "Tick at least one store, or every store." in empty.content.decode()
    assert foreign.status_code == 400
    member.refresh_from_db()
    assert member.store_ids == []


def test_a_store_limited_manager_cannot_grant_more_than_they_have(client, merchant, stores):
    alpha, beta = stores
    manager = make_staff(merchant=merchant, permissions=["settings", "stores"])
    Membership.objects.filter(user=manager).update(store_ids=[alpha.pk])
    member = _membership(merchant, make_staff(merchant=merchant, permissions=["stores"]))
    client.force_login(manager)

    response = client.post(reverse("stores:access_edit", args=[member.pk]), {"all": "on"})

    assert response.status_code == 400
    assert "You can only grant access to stores you can access yourself" in (
        response.content.decode()
    )
    member.refresh_from_db()
    assert member.store_ids == []


def test_owners_and_admins_have_nothing_to_choose(owner_client, merchant, owner, stores):
    member = _membership(merchant, owner)

    response = owner_client.get(reverse("stores:access_edit", args=[member.pk]))

    assert response.status_code == 200
    assert 'data-testid="manager"' in response.content.decode()
    assert owner_client.post(reverse("stores:access_edit", args=[member.pk]), {"all": "on"})


def test_another_merchants_member_is_404(client, merchant, other_merchant):
    member = _membership(merchant, make_staff(merchant=merchant, permissions=["stores"]))
    client.force_login(other_merchant.owner)

    assert client.get(reverse("stores:access_edit", args=[member.pk])).status_code == 404
    assert (
        client.post(reverse("stores:access_edit", args=[member.pk]), {"all": "on"}).status_code
        == 404
    )


def test_access_pages_need_the_settings_area(client, merchant, stores):
    client.force_login(make_staff(merchant=merchant, permissions=["stores"]))

    assert client.get(reverse("stores:access")).status_code == 403
