import pytest
from allauth.account.models import EmailAddress

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_merchant, make_operator, make_staff
from dropyard.dashboard import selectors
from dropyard.sourcing.services import message_send
from dropyard.stores import services
from dropyard.stores.tests.factories import make_store

pytestmark = pytest.mark.django_db


def _done(home) -> dict[str, bool]:
    return {item.key: item.done for item in home.checklist}


def test_new_merchant_checklist(merchant, owner):
    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert _done(home) == {
        "verify_email": True,
        "invite_team": False,
        "api_key": False,
        "add_store": False,
    }
    assert [(i.key, i.url_name) for i in home.checklist] == [
        ("verify_email", None),
        ("invite_team", "accounts:team"),
        ("api_key", "accounts:apikeys"),
        ("add_store", "stores:list"),
    ]
    assert (home.store_count, home.held_store_orders) == (0, 0)


def test_connected_store_ticks_the_store_step_and_counts(merchant, owner):
    store = make_store(merchant=merchant)
    make_store(merchant=merchant)
    services.store_disconnect(store=store, merchant=merchant, actor=owner)

    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert _done(home)["add_store"] is True
    assert (home.store_count, home.held_store_orders) == (1, 0)


def test_store_facts_hidden_without_the_stores_area(merchant):
    user = make_staff(merchant=merchant, permissions=["orders"])

    home = selectors.merchant_home(membership=merchant.members.get(user=user), user=user)

    assert (home.store_count, home.held_store_orders) == (None, None)


def test_unverified_email_is_not_done(merchant, owner):
    EmailAddress.objects.filter(user=owner).update(verified=False)

    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert _done(home)["verify_email"] is False


def test_pending_invitation_counts_as_inviting_the_team(merchant, owner):
    account_services.member_invite(merchant=merchant, actor=owner, email="new@example.test")

    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert _done(home)["invite_team"] is True
    assert home.member_count == 1


def test_second_member_counts_as_inviting_the_team(merchant, owner, staff_user):
    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert _done(home)["invite_team"] is True
    assert home.member_count == 2


def test_api_keys_count_only_active_ones(merchant, owner):
    account_services.apikey_create(merchant=merchant, actor=owner, name="live")
    revoked, _ = account_services.apikey_create(merchant=merchant, actor=owner, name="old")
    account_services.apikey_revoke(api_key=revoked, actor=owner)

    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert home.active_api_keys == 1
    assert _done(home)["api_key"] is True


def test_areas_hide_api_keys_and_audit(merchant):
    developer = make_staff(merchant=merchant, permissions=["developer"])
    plain = make_staff(merchant=merchant, permissions=[])

    dev_home = selectors.merchant_home(
        membership=merchant.members.get(user=developer), user=developer
    )
    plain_home = selectors.merchant_home(membership=merchant.members.get(user=plain), user=plain)

    assert (dev_home.active_api_keys, dev_home.recent_audit_events) == (0, None)
    assert (plain_home.active_api_keys, plain_home.recent_audit_events) == (None, None)


def test_unread_messages_come_from_the_agent(merchant, owner, agent, operator_admin):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    message_send(merchant=merchant, sender=agent, body="1")
    message_send(merchant=merchant, sender=owner, body="2")

    home = selectors.merchant_home(membership=merchant.members.get(user=owner), user=owner)

    assert home.unread_messages == 1


@pytest.mark.parametrize(
    ("role", "suppliers", "my_merchants", "threads", "jobs"),
    [
        ("admin", 0, None, 0, []),
        ("support", 0, None, None, None),
        ("agent", None, 1, 0, None),
        ("warehouse", None, None, None, None),
        ("finance", None, None, None, None),
    ],
)
def test_operator_home_by_role(role, suppliers, my_merchants, threads, jobs):
    user = make_operator(role=role)
    if role == "agent":
        account_services.merchant_agent_assign(
            merchant=make_merchant(), agent=user, actor=make_operator(role="admin")
        )

    home = selectors.operator_home(user=user)

    assert (
        home.pending_supplier_applications,
        home.my_merchant_count,
        home.unread_thread_count,
        home.recent_jobs,
    ) == (suppliers, my_merchants, threads, jobs)
