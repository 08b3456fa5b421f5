"""Shared pieces of the operator back-office permission matrices (NetBox's testing/views idea)."""

from django.test import Client
from django.urls import reverse

from dropyard.accounts.models import User
from dropyard.accounts.tests.factories import make_operator

# Every logged-in actor a matrix tries: a merchant owner and one operator per role.
OPERATOR_ACTORS = ["merchant_owner", "agent", "warehouse", "finance", "support", "admin"]


def operator_actors(
    *, owner: User, agent: User, support: User, operator_admin: User
) -> dict[str, User]:
    """The ``OPERATOR_ACTORS`` by name, making the warehouse and finance operators."""
    return {
        "merchant_owner": owner,
        "agent": agent,
        "warehouse": make_operator(role="warehouse"),
        "finance": make_operator(role="finance"),
        "support": support,
        "admin": operator_admin,
    }


def assert_sent_to_login(client: Client, url: str) -> None:
    """An anonymous GET of ``url`` redirects to the login page, coming back to ``url``."""
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def assert_page_access(client: Client, user: User, url: str, *, allowed: bool) -> None:
    """``user`` gets the page (200) when ``allowed``, else 403."""
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == (200 if allowed else 403)
