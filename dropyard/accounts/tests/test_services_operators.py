import pytest

from dropyard.accounts import services
from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.exceptions import AccountsError, PermissionDenied
from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.tests.factories import (
    UserFactory,
    make_merchant,
    make_operator,
    make_staff,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _operator_events():
    return list(
        AuditEvent.objects.filter(
            action__in=[AuditAction.OPERATOR_CREATED, AuditAction.OPERATOR_ROLE_CHANGED]
        )
        .order_by("pk")
        .values_list("action", "actor_id", "target_id", "details")
    )


# --- operator_create --------------------------------------------------------------------------


def test_create_new_operator_without_password(operator_admin):
    events_before = _operator_events()

    user = services.operator_create(
        email="  New.Agent@Dropyard.TEST ",
        role=OperatorRole.AGENT,
        full_name="Nina Agent",
        actor=operator_admin,
    )

    user.refresh_from_db()
    assert user.email == "new.agent@dropyard.test"
    assert user.full_name == "Nina Agent"
    assert user.operator_role == OperatorRole.AGENT
    assert user.is_staff is False
    assert user.is_superuser is False
    assert user.is_active is True
    assert user.has_usable_password() is False
    assert list(user.emailaddress_set.values_list("email", "verified", "primary")) == [
        ("new.agent@dropyard.test", True, True)
    ]
    assert _operator_events() == [
        *events_before,
        (
            AuditAction.OPERATOR_CREATED,
            operator_admin.pk,
            str(user.pk),
            {"role": "agent", "previous_role": ""},
        ),
    ]


def test_create_with_password_leaves_email_unverified(operator_admin):
    user = services.operator_create(
        email="cli@dropyard.test", role="agent", actor=None, password="a-long-passphrase-77"
    )

    assert user.check_password("a-long-passphrase-77") is True
    assert user.emailaddress_set.count() == 0


def test_create_admin_gets_django_admin_access(operator_admin):
    user = services.operator_create(
        email="boss@dropyard.test", role=OperatorRole.ADMIN, actor=operator_admin
    )

    assert user.is_staff is True
    assert user.is_superuser is False


def test_create_without_actor_is_recorded_as_system():
    user = services.operator_create(email="first@dropyard.test", role="admin", actor=None)

    event = AuditEvent.objects.get(action=AuditAction.OPERATOR_CREATED, target_id=str(user.pk))
    assert (event.actor, event.actor_label) == (None, "system")


def test_existing_non_merchant_user_becomes_operator(operator_admin):
    existing = UserFactory(email="helper@example.test", full_name="Old Name")

    user = services.operator_create(
        email="helper@example.test", role=OperatorRole.SUPPORT, actor=operator_admin
    )

    assert user.pk == existing.pk
    assert User.objects.filter(email="helper@example.test").count() == 1
    user.refresh_from_db()
    assert user.operator_role == OperatorRole.SUPPORT
    assert user.full_name == "Old Name"
    # Whoever registered the address loses that password: the reset link proves the new hire.
    assert user.has_usable_password() is False
    assert list(user.emailaddress_set.values_list("email", "verified")) == [
        ("helper@example.test", True)
    ]
    event = AuditEvent.objects.get(action=AuditAction.OPERATOR_CREATED, target_id=str(user.pk))
    assert event.details == {"role": "support", "previous_role": ""}


def test_existing_operator_gets_new_role_recorded_as_role_change(operator_admin):
    agent = make_operator(role="agent")

    services.operator_create(email=agent.email, role=OperatorRole.FINANCE, actor=operator_admin)

    agent.refresh_from_db()
    assert agent.operator_role == OperatorRole.FINANCE
    event = AuditEvent.objects.filter(target_id=str(agent.pk)).order_by("pk").last()
    assert (event.action, event.details) == (
        AuditAction.OPERATOR_ROLE_CHANGED,
        {"role": "finance", "previous_role": "agent"},
    )


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_merchant_member_refused(operator_admin, role):
    merchant = make_merchant()
    person = merchant.owner if role == "owner" else make_staff(merchant=merchant)
    events_before = _operator_events()

    with pytest.raises(AccountsError) as excinfo:
        services.operator_create(email=person.email, role="support", actor=operator_admin)

    assert excinfo.value.message == (
        f"{person.email} belongs to a merchant account and cannot be operator staff"
    )
    person.refresh_from_db()
    assert person.operator_role == ""
    assert person.is_staff is False
    assert _operator_events() == events_before


@pytest.mark.parametrize("role", ["superuser", "", "ADMIN", "owner"])
def test_unknown_role_refused(operator_admin, role):
    users_before = User.objects.count()

    with pytest.raises(AccountsError) as excinfo:
        services.operator_create(email="who@dropyard.test", role=role, actor=operator_admin)

    assert excinfo.value.message == (
        f"Unknown operator role {role!r}; use one of agent, warehouse, finance, support, admin"
    )
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="who@dropyard.test").exists()


@pytest.mark.parametrize("email", ["", "   ", "not-an-email"])
def test_invalid_email_refused(operator_admin, email):
    users_before = User.objects.count()

    with pytest.raises(AccountsError) as excinfo:
        services.operator_create(email=email, role="agent", actor=operator_admin)

    assert excinfo.value.message == "Enter a valid email address"
    assert User.objects.count() == users_before


def test_admin_cannot_change_own_role_through_create(operator_admin):
    events_before = _operator_events()

    with pytest.raises(PermissionDenied) as excinfo:
        services.operator_create(
            email=operator_admin.email.upper(), role="support", actor=operator_admin
        )

    assert excinfo.value.message == "You cannot change your own operator role"
    operator_admin.refresh_from_db()
    assert operator_admin.operator_role == OperatorRole.ADMIN
    assert operator_admin.is_staff is True
    assert _operator_events() == events_before


# --- operator_role_set ------------------------------------------------------------------------


def test_role_change_recorded(operator_admin):
    support = make_operator(role="support")

    services.operator_role_set(user=support, role=OperatorRole.WAREHOUSE, actor=operator_admin)

    support.refresh_from_db()
    assert support.operator_role == OperatorRole.WAREHOUSE
    event = AuditEvent.objects.filter(action=AuditAction.OPERATOR_ROLE_CHANGED).get()
    assert (event.actor, event.target_id, event.details) == (
        operator_admin,
        str(support.pk),
        {"role": "warehouse", "previous_role": "support"},
    )


def test_nobody_changes_own_role(operator_admin):
    with pytest.raises(PermissionDenied) as excinfo:
        services.operator_role_set(user=operator_admin, role="support", actor=operator_admin)

    assert excinfo.value.message == "You cannot change your own operator role"
    operator_admin.refresh_from_db()
    assert operator_admin.operator_role == OperatorRole.ADMIN
    assert AuditEvent.objects.filter(action=AuditAction.OPERATOR_ROLE_CHANGED).count() == 0


def test_nobody_removes_own_access(operator_admin):
    with pytest.raises(PermissionDenied):
        services.operator_role_set(user=operator_admin, role="", actor=operator_admin)

    operator_admin.refresh_from_db()
    assert operator_admin.operator_role == OperatorRole.ADMIN


def test_demoted_agent_loses_merchants(operator_admin, agent):
    kept_agent = make_operator(role="agent")
    mine_1, mine_2, theirs = make_merchant(), make_merchant(), make_merchant()
    for merchant, who in ((mine_1, agent), (mine_2, agent), (theirs, kept_agent)):
        services.merchant_agent_assign(merchant=merchant, agent=who, actor=operator_admin)

    services.operator_role_set(user=agent, role=OperatorRole.SUPPORT, actor=operator_admin)

    assert dict(MerchantAccount.objects.values_list("pk", "agent_id")) == {
        mine_1.pk: None,
        mine_2.pk: None,
        theirs.pk: kept_agent.pk,
    }


def test_agent_keeping_agent_role_keeps_merchants(operator_admin, agent):
    merchant = make_merchant()
    services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)

    services.operator_role_set(user=agent, role=OperatorRole.AGENT, actor=operator_admin)

    merchant.refresh_from_db()
    assert merchant.agent == agent


def test_removing_access_clears_role_and_admin_flag(operator_admin):
    other_admin = make_operator(role="admin")

    services.operator_role_set(user=other_admin, role="", actor=operator_admin)

    other_admin.refresh_from_db()
    assert (other_admin.operator_role, other_admin.is_staff) == ("", False)
    assert other_admin.is_active is True


def test_promotion_to_admin_grants_django_admin(operator_admin):
    finance = make_operator(role="finance")

    services.operator_role_set(user=finance, role=OperatorRole.ADMIN, actor=operator_admin)

    finance.refresh_from_db()
    assert finance.is_staff is True


def test_role_set_refuses_unknown_role(operator_admin):
    support = make_operator(role="support")

    with pytest.raises(AccountsError) as excinfo:
        services.operator_role_set(user=support, role="root", actor=operator_admin)

    assert excinfo.value.message == "Unknown operator role 'root'"
    support.refresh_from_db()
    assert support.operator_role == OperatorRole.SUPPORT


def test_role_set_refuses_non_operator(operator_admin):
    person = UserFactory()

    with pytest.raises(AccountsError) as excinfo:
        services.operator_role_set(user=person, role="agent", actor=operator_admin)

    assert excinfo.value.message == "That user is not operator staff"
    person.refresh_from_db()
    assert person.operator_role == ""
