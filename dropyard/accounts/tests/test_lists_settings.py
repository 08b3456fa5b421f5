"""The merchant's team and developer settings tables on the shared list partial (core.lists
table_page): phone-card cells, sorting, each table's own page parameter, the CSV exports (API
keys by their last characters only, never a key), htmx answers and bad input."""

import pytest
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.models import User
from dropyard.accounts.tests.factories import make_staff
from dropyard.core.testing.lists import csv_rows

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def response_text(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in rows)


@pytest.fixture
def keys(merchant, owner):
    """Two keys (the second revoked) and a token of the first; returns the plaintexts too."""
    first, first_plain = services.apikey_create(merchant=merchant, actor=owner, name="Alpha")
    second, second_plain = services.apikey_create(merchant=merchant, actor=owner, name="Beta")
    services.apikey_revoke(api_key=second, actor=owner)
    services.token_issue(api_key=first_plain)
    return (first, first_plain), (second, second_plain)


def test_member_rows_are_phone_cards_sorted_by_email(client, merchant, owner):
    zed = make_staff(merchant=merchant)
    amy = make_staff(merchant=merchant)
    User.objects.filter(pk=zed.pk).update(email="zed@example.test")
    User.objects.filter(pk=amy.pk).update(email="amy@example.test")
    zed.refresh_from_db()
    amy.refresh_from_db()
    client.force_login(owner)

    joined = client.get(reverse("accounts:team"))
    by_email = client.get(reverse("accounts:team"), {"sort": "email"})

    assert [m.user for m in joined.context["members"]] == [owner, zed, amy]
    assert [m.user.email for m in by_email.context["members"]] == sorted(
        [owner.email, zed.email, amy.email]
    )
    html = joined.content.decode()
    assert f'<tr id="member-{amy.memberships.get().pk}" data-testid="member-row"' in html
    assert 'data-label="Permission areas"' in html
    assert 'class="text-end text-nowrap" data-primary="1"' in html


def test_member_csv_export_has_this_accounts_members(client, merchant, owner, other_merchant):
    staff = make_staff(merchant=merchant)
    theirs = make_staff(merchant=other_merchant)
    client.force_login(owner)

    response = client.get(reverse("accounts:team"), {"export": "csv"})

    rows = csv_rows(response)
    assert rows[0] == ["Name", "Email", "Role", "Joined"]
    assert [row[1:3] for row in rows[1:]] == [[owner.email, "Owner"], [staff.email, "Staff"]]
    assert theirs.email not in response_text(rows)


def test_invitations_page_by_their_own_parameter(client, merchant, owner):
    for n in range(26):
        services.member_invite(merchant=merchant, actor=owner, email=f"i{n}@example.test")
    client.force_login(owner)

    second = client.get(
        reverse("accounts:team"), {"ipage": "2"}, headers={**HTMX, "HX-Target": "invitations"}
    )

    body = second.content.decode()
    assert body.count('data-testid="invitation-row"') == 1
    assert "i0@example.test" in body  # newest first: the oldest is alone on page 2
    assert 'hx-target="#invitations" hx-swap="outerHTML"' in body
    assert 'data-testid="member-row"' not in body


def test_apikey_csv_export_has_hints_never_keys(client, merchant, owner, keys):
    (first, first_plain), (second, second_plain) = keys
    client.force_login(owner)

    response = client.get(reverse("accounts:apikeys"), {"export": "csv"})

    rows = csv_rows(response)
    body = response_text(rows)
    assert rows[0] == ["Name", "Key", "Scopes", "Created by", "Created", "Last used", "Status"]
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [
        ("Beta", f"…{second.key_hint}", "Revoked"),
        ("Alpha", f"…{first.key_hint}", "Active"),
    ]
    assert first_plain not in body
    assert second_plain not in body


def test_apikeys_sort_and_htmx_answers_only_the_keys(client, owner, keys):
    client.force_login(owner)

    by_name = client.get(reverse("accounts:apikeys"), {"sort": "name"})
    partial = client.get(
        reverse("accounts:apikeys"), {"sort": "-name"}, headers={**HTMX, "HX-Target": "apikeys"}
    )

    assert [k.name for k in by_name.context["keys"]] == ["Alpha", "Beta"]
    html = partial.content.decode()
    assert "<html" not in html
    assert html.index("Beta") < html.index("Alpha")
    assert 'data-testid="token-row"' not in html


def test_revoking_a_key_swaps_in_its_row_as_the_table_renders_it(client, owner, keys):
    (first, _plain), _second = keys
    client.force_login(owner)

    response = client.post(reverse("accounts:apikey_revoke", args=[first.pk]), headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="apikey-{first.pk}" data-testid="apikey-row"')
    assert 'data-label="Status"' in html
    assert ">Revoked</span>" in html
    assert "hx-post" not in html  # a revoked key offers no Revoke button
    assert response["HX-Trigger"] == "tokens-changed"


@pytest.mark.parametrize(
    "query",
    [{"page": "x"}, {"page": "99"}, {"tpage": "-3"}, {"sort": "key_hint"}, {"tsort": "nope"}],
)
def test_bad_page_or_sort_input_still_shows_the_keys(client, owner, keys, query):
    client.force_login(owner)

    response = client.get(reverse("accounts:apikeys"), query)

    assert response.status_code == 200
    assert [k.name for k in response.context["keys"]] == ["Beta", "Alpha"]
    assert len(response.context["tokens"].object_list) == 1
