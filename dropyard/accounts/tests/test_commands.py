"""The accounts management commands: ``createoperator`` and ``apikey``."""

import re
import sys
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from dropyard.__main__ import main
from dropyard.accounts import services
from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import ApiKey, User
from dropyard.accounts.tests.factories import make_member, make_staff
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"^DY\d+@api@[0-9a-f]{32}$")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- createoperator ---------------------------------------------------------------------------


def test_createoperator_creates_verified_operator_with_generated_password():
    out, _ = run("createoperator", "Wendy@Example.com", "--role", "warehouse", "--name", "Wendy W")

    user = User.objects.get(email="wendy@example.com")
    assert user.operator_role == "warehouse"
    assert user.full_name == "Wendy W"
    assert user.is_staff is False
    password = re.search(r"^Password: (\S+)$", out, re.MULTILINE).group(1)
    assert user.check_password(password)
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).count() == 1
    assert "Created operator wendy@example.com (role: warehouse)." in out
    assert AuditEvent.objects.filter(action=AuditAction.OPERATOR_CREATED).count() == 1


def test_createoperator_admin_gets_django_admin_and_given_password():
    out, _ = run(
        "createoperator", "boss@example.com", "--role", "admin", "--password", "s3cure-Pass-42"
    )

    user = User.objects.get(email="boss@example.com")
    assert user.operator_role == "admin"
    assert user.is_staff is True
    assert user.check_password("s3cure-Pass-42")
    assert "Password:" not in out


def test_createoperator_without_password_leaves_it_unusable():
    out, _ = run("createoperator", "nopw@example.com", "--role", "support", "--no-password")

    user = User.objects.get(email="nopw@example.com")
    assert user.has_usable_password() is False
    assert "Forgot password" in out


def test_createoperator_changes_role_of_existing_operator_and_keeps_password(agent):
    old_hash = agent.password

    out, _ = run("createoperator", agent.email, "--role", "finance")

    agent.refresh_from_db()
    assert agent.operator_role == "finance"
    assert agent.password == old_hash
    assert "role agent → finance" in out
    assert User.objects.filter(email=agent.email).count() == 1


@pytest.mark.parametrize("role", ["superhero", "", "ADMIN"])
def test_createoperator_refuses_unknown_role(role):
    with pytest.raises(CommandError, match="Unknown role"):
        run("createoperator", "x@example.com", "--role", role)

    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# The console script closes database connections on exit: no test transaction to lose.
@pytest.mark.django_db(transaction=True)
def test_createoperator_bad_role_exits_with_status_1(capsys, monkeypatch):
    monkeypatch.setattr(
        sys, "argv", ["dropyard", "createoperator", "x@example.com", "--role", "nope"]
    )

    with pytest.raises(SystemExit) as exc:
        main()

    assert exc.value.code == 1
    assert "Unknown role 'nope'" in capsys.readouterr().err
    assert User.objects.count() == 0


def test_createoperator_refuses_weak_password():
    with pytest.raises(CommandError, match="too short|too common"):
        run("createoperator", "weak@example.com", "--role", "agent", "--password", "abc")

    assert User.objects.count() == 0


def test_createoperator_refuses_merchant_member(owner):
    with pytest.raises(CommandError, match="belongs to a merchant account"):
        run("createoperator", owner.email, "--role", "agent")

    owner.refresh_from_db()
    assert owner.operator_role == ""


# --- apikey -----------------------------------------------------------------------------------


def test_apikey_prints_only_a_key_that_gets_an_access_token(merchant, owner):
    out, err = run("apikey", owner.email.upper(), "--name", "Import script")

    key = out.strip()
    assert KEY_RE.match(key)
    assert key.startswith(f"{merchant.account_number}@api@")
    assert merchant.account_number in err
    api_key = ApiKey.objects.get(merchant=merchant)
    assert api_key.name == "Import script"
    assert api_key.created_by == owner
    token, access, refresh = services.token_issue(api_key=key)
    assert token.merchant == merchant
    assert token.api_key == api_key
    assert services.token_authenticate(access_token=access) == token


def test_apikey_unknown_email_is_an_error():
    with pytest.raises(CommandError, match="No user with email nobody@example.com"):
        run("apikey", "nobody@example.com")

    assert ApiKey.objects.count() == 0


def test_apikey_for_user_without_merchant_is_an_error(agent):
    with pytest.raises(CommandError, match="not a member of any merchant account"):
        run("apikey", agent.email)

    assert ApiKey.objects.count() == 0


@pytest.mark.parametrize("permissions", [["orders"], ["developer"]])
def test_apikey_refuses_staff_even_with_developer_permission(merchant, permissions):
    staff = make_staff(merchant=merchant, permissions=permissions)

    with pytest.raises(CommandError) as refused:
        run("apikey", staff.email)

    assert str(refused.value) == (
        f"{staff.email} is staff in {merchant.account_number}; only the account owner or an "
        "admin can create API keys. Use the owner's email."
    )
    assert ApiKey.objects.count() == 0


def test_apikey_gets_every_scope_by_default_and_the_named_ones_with_scopes(merchant, owner):
    run("apikey", owner.email, "--name", "full")
    _, err = run("apikey", owner.email, "--name", "ro", "--scopes", "orders,read")

    scopes = dict(ApiKey.objects.values_list("name", "scopes"))
    assert scopes == {
        "full": ["read", "orders", "payments", "products", "stores", "webhooks"],
        "ro": ["read", "orders"],
    }
    assert "with scopes read, orders." in err


def test_apikey_unknown_scope_is_an_error(merchant, owner):
    with pytest.raises(CommandError, match="Unknown API key scope: admin"):
        run("apikey", owner.email, "--scopes", "read,admin")

    assert ApiKey.objects.count() == 0


def test_apikey_asks_which_merchant_when_user_has_several(merchant, owner, other_merchant):
    make_member(merchant=other_merchant, user=owner, role=MemberRole.ADMIN)

    with pytest.raises(CommandError, match="several merchant accounts"):
        run("apikey", owner.email)
    out, _ = run("apikey", owner.email, "--merchant", other_merchant.account_number)

    assert out.strip().startswith(f"{other_merchant.account_number}@api@")
    assert ApiKey.objects.filter(merchant=other_merchant).count() == 1
    assert ApiKey.objects.filter(merchant=merchant).count() == 0
