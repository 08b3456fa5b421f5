from datetime import timedelta

import pytest

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.core.errors import NotFound
from dropyard.sourcing import selectors, services, services_requests
from dropyard.sourcing.models import AgentMessage
from dropyard.stores.tests.factories import import_variants, make_store

pytestmark = pytest.mark.django_db


def _assign(merchant, agent, admin):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=admin)
    merchant.refresh_from_db()
    return merchant


def test_message_list_is_the_merchants_thread_oldest_first(merchant, other_merchant, owner):
    first = services.message_send(merchant=merchant, sender=owner, body="1")
    services.message_send(merchant=other_merchant, sender=other_merchant.owner, body="x")
    second = services.message_send(merchant=merchant, sender=owner, body="2")

    assert list(selectors.message_list(merchant)) == [first, second]


def test_unread_count_for_merchant_counts_unread_agent_messages(
    merchant, owner, agent, operator_admin
):
    _assign(merchant, agent, operator_admin)
    services.message_send(merchant=merchant, sender=agent, body="a")
    services.message_send(merchant=merchant, sender=agent, body="b")
    services.message_send(merchant=merchant, sender=owner, body="mine")

    assert selectors.unread_count_for_merchant(merchant) == 2

    services.thread_mark_read(merchant=merchant, reader=owner)

    assert selectors.unread_count_for_merchant(merchant) == 0


def test_thread_list_for_agent_lists_own_merchants_with_counts(operator_admin, agent):
    quiet = _assign(make_merchant(business_name="Quiet"), agent, operator_admin)
    busy = _assign(make_merchant(business_name="Busy"), agent, operator_admin)
    make_merchant(business_name="Someone else's")
    services.message_send(merchant=busy, sender=busy.owner, body="1")
    services.message_send(merchant=busy, sender=busy.owner, body="2")
    last = services.message_send(merchant=busy, sender=agent, body="3")

    threads = list(selectors.thread_list_for_agent(agent))

    assert [(t.business_name, t.unread_count, t.message_count) for t in threads] == [
        ("Busy", 2, 3),
        ("Quiet", 0, 0),
    ]
    assert threads[0].last_message_at == last.created_at
    assert threads[1].last_message_at is None
    assert quiet in threads


def test_thread_list_for_agent_orders_unread_first_then_newest(operator_admin, agent):
    older = _assign(make_merchant(business_name="Older"), agent, operator_admin)
    newer = _assign(make_merchant(business_name="Newer"), agent, operator_admin)
    unread = _assign(make_merchant(business_name="Unread"), agent, operator_admin)
    services.message_send(merchant=unread, sender=unread.owner, body="?")
    old = services.message_send(merchant=older, sender=agent, body="old")
    services.message_send(merchant=newer, sender=agent, body="new")
    AgentMessage.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=1))

    names = [t.business_name for t in selectors.thread_list_for_agent(agent)]

    assert names == ["Unread", "Newer", "Older"]


def test_thread_list_for_admin_shows_every_merchant_with_messages(
    merchant, other_merchant, operator_admin
):
    services.message_send(merchant=other_merchant, sender=other_merchant.owner, body="hi")

    threads = list(selectors.thread_list_for_agent(operator_admin))

    assert threads == [other_merchant]


def test_thread_list_search_and_unread_filter(operator_admin, agent):
    alpha = _assign(make_merchant(business_name="Alpha"), agent, operator_admin)
    _assign(make_merchant(business_name="Beta"), agent, operator_admin)
    services.message_send(merchant=alpha, sender=alpha.owner, body="?")

    assert [t.business_name for t in selectors.thread_list_for_agent(agent, search="bet")] == [
        "Beta"
    ]
    assert [t.business_name for t in selectors.thread_list_for_agent(agent, unread_only=True)] == [
        "Alpha"
    ]
    assert selectors.unread_thread_count_for_agent(agent) == 1


@pytest.mark.parametrize("role", ["support", "warehouse", "finance"])
def test_thread_list_for_other_roles_is_empty(merchant, owner, role):
    services.message_send(merchant=merchant, sender=owner, body="hi")

    assert list(selectors.thread_list_for_agent(make_operator(role=role))) == []


def test_thread_get_for_operator_scopes_agents(merchant, other_merchant, agent, operator_admin):
    _assign(merchant, agent, operator_admin)

    assert selectors.thread_get_for_operator(operator=agent, merchant_id=merchant.pk) == merchant
    assert (
        selectors.thread_get_for_operator(operator=operator_admin, merchant_id=other_merchant.pk)
        == other_merchant
    )
    with pytest.raises(NotFound):
        selectors.thread_get_for_operator(operator=agent, merchant_id=other_merchant.pk)
    with pytest.raises(NotFound):
        selectors.thread_get_for_operator(operator=operator_admin, merchant_id=987654)


def _sourcing(merchant, n, store_variant=None):
    return services_requests.sourcing_request_create(
        merchant=merchant,
        actor=merchant.owner,
        product_name=f"Stand {n}",
        source_url=f"https://detail.1688.com/offer/{900000 + n}.html",
        store_variant_id=store_variant.pk if store_variant is not None else None,
    ).request


def test_api_list_keeps_the_order_asked_and_hides_stores_outside_the_scope(merchant):
    inside, outside = make_store(merchant=merchant), make_store(merchant=merchant)
    (in_variant,) = import_variants(inside, ("v-in", "IN"))
    (out_variant,) = import_variants(outside, ("v-out", "OUT"))
    plain = _sourcing(merchant, 1)
    linked_in = _sourcing(merchant, 2, in_variant)
    linked_out = _sourcing(merchant, 3, out_variant)
    keys = [linked_out.public_id, linked_in.code, plain.public_id]

    every = selectors.sourcing_request_list_for_api(merchant=merchant, keys=keys)
    scoped = selectors.sourcing_request_list_for_api(
        merchant=merchant, keys=keys, store_ids=frozenset({inside.pk})
    )
    newest = selectors.sourcing_request_list_for_api(
        merchant=merchant, keys=None, store_ids=frozenset({inside.pk}), latest=1
    )

    assert every == [linked_out, linked_in, plain]
    assert scoped == [linked_in, plain]
    assert newest == [linked_in]
