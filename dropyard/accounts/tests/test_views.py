import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.choices import InvitationStatus, MemberRole
from dropyard.accounts.middleware import SESSION_KEY
from dropyard.accounts.models import ApiKey, ApiToken, Invitation, Membership, User
from dropyard.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    make_member,
    make_merchant,
    make_staff,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LOGIN_URL = reverse("account_login")


@dataclass
class World:
    merchant: Any
    owner: Any
    staff_membership: Membership
    invitation: Invitation
    api_key: ApiKey
    token: ApiToken


@pytest.fixture
def world(merchant, owner, staff_user) -> World:
    invitation, _token = services.member_invite(
        merchant=merchant, actor=owner, email="invitee@example.test", permissions=["orders"]
    )
    api_key, plaintext = services.apikey_create(merchant=merchant, actor=owner, name="Sync")
    token, _access, _refresh = services.token_issue(api_key=plaintext)
    return World(
        merchant=merchant,
        owner=owner,
        staff_membership=Membership.objects.get(user=staff_user),
        invitation=invitation,
        api_key=api_key,
        token=token,
    )


# (url name, area, builder of kwargs) — every merchant-side page of this app.
PAGES = [
    ("accounts:profile", "settings", None),
    ("accounts:team", "settings", None),
    ("accounts:member_edit", "settings", lambda w: {"pk": w.staff_membership.pk}),
    ("accounts:member_remove", "settings", lambda w: {"pk": w.staff_membership.pk}),
    ("accounts:invitation_revoke", "settings", lambda w: {"pk": w.invitation.pk}),
    ("accounts:apikeys", "developer", None),
    ("accounts:apikey_revoke", "developer", lambda w: {"pk": w.api_key.pk}),
    ("accounts:token_revoke", "developer", lambda w: {"pk": w.token.pk}),
]
OBJECT_PAGES = [page for page in PAGES if page[2] is not None]


def _url(world: World, name: str, builder) -> str:
    return reverse(name, kwargs=builder(world) if builder else {})


# --- Permission matrices ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "area", "builder"), PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, world, name, area, builder, method):
    url = _url(world, name, builder)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={url}"


@pytest.mark.parametrize(("name", "area", "builder"), PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_the_area_is_forbidden(client, world, name, area, builder, method):
    client.force_login(make_staff(merchant=world.merchant, permissions=["orders", "wallet"]))
    counts = (Membership.objects.count(), Invitation.objects.count(), ApiKey.objects.count())

    response = getattr(client, method)(_url(world, name, builder))

    assert response.status_code == 403
    assert (Membership.objects.count(), Invitation.objects.count(), ApiKey.objects.count()) == (
        counts
    )


@pytest.mark.parametrize(("name", "area", "builder"), PAGES)
def test_operator_is_forbidden(client, world, operator_admin, name, area, builder):
    client.force_login(operator_admin)

    response = client.get(_url(world, name, builder))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "area", "builder"), OBJECT_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_merchants_owner_gets_404_on_objects(
    client, world, other_merchant, name, area, builder, method
):
    client.force_login(other_merchant.owner)
    statuses = (
        Membership.objects.filter(pk=world.staff_membership.pk).exists(),
        Invitation.objects.get(pk=world.invitation.pk).status,
        ApiKey.objects.get(pk=world.api_key.pk).revoked_at,
        ApiToken.objects.get(pk=world.token.pk).revoked_at,
    )

    response = getattr(client, method)(_url(world, name, builder))

    assert response.status_code == 404
    assert statuses == (
        True,
        InvitationStatus.PENDING,
        None,
        None,
    )


@pytest.mark.parametrize(("name", "area", "builder"), PAGES)
def test_staff_with_the_area_gets_the_page(client, world, name, area, builder):
    client.force_login(make_staff(merchant=world.merchant, permissions=[area]))

    response = client.get(_url(world, name, builder))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "area", "builder"), PAGES)
def test_owner_gets_the_page(client, world, name, area, builder):
    client.force_login(world.owner)

    response = client.get(_url(world, name, builder))

    assert response.status_code == 200


# --- Profile ----------------------------------------------------------------------------------


def test_profile_shows_read_only_account_facts(client, merchant, owner, agent, operator_admin):
    services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    client.force_login(owner)

    response = client.get(reverse("accounts:profile"))

    body = response.content.decode()
    assert merchant.account_number in body
    assert "Free" in body
    assert agent.email in body
    assert 'data-testid="merchant-switcher"' not in body


def test_profile_post_saves_through_the_service(client, merchant, owner):
    client.force_login(owner)

    response = client.post(
        reverse("accounts:profile"),
        {
            "business_name": "Acme Two",
            "niche": "garden tools",
            "target_markets": ["US", "GB"],
            "contact_name": "Ann",
            "contact_email": "ann@example.test",
            "contact_phone": "+1 555 0100",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    merchant.refresh_from_db()
    assert (merchant.business_name, merchant.niche, merchant.target_markets) == (
        "Acme Two",
        "garden tools",
        ["GB", "US"],
    )
    assert (merchant.contact_name, merchant.contact_email, merchant.contact_phone) == (
        "Ann",
        "ann@example.test",
        "+1 555 0100",
    )
    assert AuditEvent.objects.filter(action=AuditAction.MERCHANT_UPDATED).count() == 1


def test_profile_post_strips_control_and_bidi_characters(client, merchant, owner):
    client.force_login(owner)

    response = client.post(
        reverse("accounts:profile"),
        {
            "business_name": "\u202eAcme\x1b[2J Two\x07",
            "contact_name": "Ann\u2066 Lee\u2069",
            "target_markets": ["US"],
        },
    )

    assert response.status_code == 302
    merchant.refresh_from_db()
    assert (merchant.business_name, merchant.contact_name) == ("Acme[2J Two", "Ann Lee")


def test_profile_post_business_name_of_only_controls_is_refused(client, merchant, owner):
    client.force_login(owner)

    response = client.post(reverse("accounts:profile"), {"business_name": "\u202e\x07\x1b"})

    assert response.status_code == 400
    merchant.refresh_from_db()
    assert merchant.business_name == "Acme Drop Co"


def test_profile_post_with_bad_country_changes_nothing(client, merchant, owner):
    client.force_login(owner)

    response = client.post(
        reverse("accounts:profile"), {"business_name": "Renamed", "target_markets": ["XX"]}
    )

    assert response.status_code == 400
    assert "Select a valid choice. XX is not one of the available choices." in (
        response.content.decode()
    )
    merchant.refresh_from_db()
    assert (merchant.business_name, merchant.target_markets) == ("Acme Drop Co", [])
    assert not AuditEvent.objects.filter(action=AuditAction.MERCHANT_UPDATED).exists()


def test_profile_post_blank_business_name_shows_error(client, merchant, owner):
    client.force_login(owner)

    response = client.post(reverse("accounts:profile"), {"business_name": ""})

    assert response.status_code == 400
    merchant.refresh_from_db()
    assert merchant.business_name == "Acme Drop Co"


# --- Switching merchant -----------------------------------------------------------------------


def test_switcher_shows_only_with_several_memberships(client, merchant, owner):
    second = make_merchant(business_name="Second Shop")
    make_member(merchant=second, user=owner, role=MemberRole.ADMIN)
    client.force_login(owner)

    response = client.get(reverse("accounts:profile"))

    body = response.content.decode()
    assert 'data-testid="merchant-switcher"' in body
    assert "Second Shop" in body


def test_switch_merchant_changes_the_current_account(client, merchant, owner):
    second = make_merchant(business_name="Second Shop")
    make_member(merchant=second, user=owner, role=MemberRole.ADMIN)
    client.force_login(owner)

    response = client.post(reverse("accounts:switch_merchant"), {"merchant_id": second.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.session[SESSION_KEY] == second.pk
    home = client.get(reverse("dashboard:home"))
    assert second.account_number in home.content.decode()


def test_switch_to_a_foreign_merchant_is_404(client, merchant, owner, other_merchant):
    client.force_login(owner)

    response = client.post(reverse("accounts:switch_merchant"), {"merchant_id": other_merchant.pk})

    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_merchant_is_post_only(client, owner):
    client.force_login(owner)

    response = client.get(reverse("accounts:switch_merchant"))

    assert response.status_code == 405


def test_switch_merchant_follows_a_safe_next_only(client, merchant, owner):
    client.force_login(owner)
    url = reverse("accounts:switch_merchant")

    safe = client.post(url, {"merchant_id": merchant.pk, "next": "/account/team/"})
    unsafe = client.post(url, {"merchant_id": merchant.pk, "next": "https://evil.example/"})

    assert safe["Location"] == "/account/team/"
    assert unsafe["Location"] == reverse("dashboard:home")


# --- Team -------------------------------------------------------------------------------------


def test_team_lists_members_and_protects_the_owner(client, world):
    client.force_login(world.owner)

    response = client.get(reverse("accounts:team"))

    body = response.content.decode()
    owner_membership = Membership.objects.get(user=world.owner)
    assert world.staff_membership.user.email in body
    assert "Protected" in body
    assert reverse("accounts:member_edit", args=[owner_membership.pk]) not in body
    assert reverse("accounts:member_remove", args=[owner_membership.pk]) not in body
    assert reverse("accounts:member_edit", args=[world.staff_membership.pk]) in body
    assert "invitee@example.test" in body
    assert reverse("accounts:invitation_revoke", args=[world.invitation.pk]) in body


def test_team_shows_empty_state_without_invitations(client, merchant, owner):
    client.force_login(owner)

    response = client.get(reverse("accounts:team"))

    assert "No pending invitations." in response.content.decode()


def test_invite_through_the_team_page_sends_the_email(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:team"),
            {"email": "new@example.test", "role": "staff", "permissions": ["orders", "stores"]},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.test")
    assert (invitation.role, invitation.permissions, invitation.store_ids) == (
        "staff",
        ["orders", "stores"],
        [],
    )
    assert [m.to for m in mail.outbox] == [["new@example.test"]]


def test_duplicate_invite_shows_the_service_message(client, world):
    client.force_login(world.owner)

    response = client.post(
        reverse("accounts:team"), {"email": "invitee@example.test", "role": "staff"}
    )

    assert response.status_code == 400
    assert "invitee@example.test already has a pending invitation" in response.content.decode()
    assert Invitation.objects.filter(email="invitee@example.test").count() == 1


def test_settings_staff_is_offered_only_the_staff_role(client, merchant):
    client.force_login(make_staff(merchant=merchant, permissions=["settings"]))

    response = client.get(reverse("accounts:team"))

    body = response.content.decode()
    assert '<option value="staff"' in body
    assert '<option value="admin"' not in body


def test_team_htmx_pagination_returns_the_members_partial(client, merchant, owner):
    for _ in range(25):
        make_staff(merchant=merchant)
    client.force_login(owner)

    response = client.get(
        reverse("accounts:team") + "?page=2", headers={**HTMX, "HX-Target": "members"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="members" class="list-results">')
    assert "<html" not in body
    assert body.count('data-testid="member-row"') == 1


def test_team_htmx_invitations_partial(client, world):
    client.force_login(world.owner)

    response = client.get(reverse("accounts:team"), headers={**HTMX, "HX-Target": "invitations"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="invitations" class="list-results">')
    assert body.count('data-testid="invitation-row"') == 1


# --- Member edit and remove -------------------------------------------------------------------


def test_member_edit_post_updates_and_redirects(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:member_edit", args=[world.staff_membership.pk])

    response = client.post(url, {"role": "staff", "permissions": ["orders", "wallet"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team")
    world.staff_membership.refresh_from_db()
    assert world.staff_membership.permissions == ["orders", "wallet"]


def test_member_edit_htmx_get_returns_the_inline_form(client, world):
    client.force_login(world.owner)

    response = client.get(
        reverse("accounts:member_edit", args=[world.staff_membership.pk]), headers=HTMX
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="member-{world.staff_membership.pk}"')
    assert 'data-testid="member-edit-row"' in body
    assert "<html" not in body


def test_member_edit_htmx_post_returns_the_updated_row(client, world):
    client.force_login(world.owner)

    response = client.post(
        reverse("accounts:member_edit", args=[world.staff_membership.pk]),
        {"role": "admin"},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="member-row"' in body
    assert "All areas" in body
    world.staff_membership.refresh_from_db()
    assert world.staff_membership.role == MemberRole.ADMIN


def test_member_edit_keeps_an_existing_store_scope(client, world):
    Membership.objects.filter(pk=world.staff_membership.pk).update(store_ids=[4, 7])
    client.force_login(world.owner)
    url = reverse("accounts:member_edit", args=[world.staff_membership.pk])
    page = client.get(url).content.decode()
    assert 'value="4,7"' in page

    client.post(url, {"role": "staff", "permissions": ["orders"], "store_ids": "4,7"})

    world.staff_membership.refresh_from_db()
    assert world.staff_membership.store_ids == [4, 7]


def test_member_edit_of_owner_is_refused(client, world):
    owner_membership = Membership.objects.get(user=world.owner)
    client.force_login(make_member(merchant=world.merchant, role=MemberRole.ADMIN))
    url = reverse("accounts:member_edit", args=[owner_membership.pk])

    page = client.get(url)
    response = client.post(url, {"role": "staff"})

    assert 'data-testid="owner-protected"' in page.content.decode()
    assert response.status_code == 409
    owner_membership.refresh_from_db()
    assert owner_membership.role == MemberRole.OWNER
    assert not AuditEvent.objects.filter(action=AuditAction.MEMBER_UPDATED).exists()


def test_member_edit_htmx_refusal_returns_form_with_message(client, world):
    settings_staff = make_staff(merchant=world.merchant, permissions=["settings"])
    admin = make_member(merchant=world.merchant, role=MemberRole.ADMIN)
    admin_membership = Membership.objects.get(user=admin)
    client.force_login(settings_staff)

    response = client.post(
        reverse("accounts:member_edit", args=[admin_membership.pk]),
        {"role": "staff"},
        headers=HTMX,
    )

    assert response.status_code == 403
    assert "Only the owner or an admin can change admins" in response.content.decode()
    admin_membership.refresh_from_db()
    assert admin_membership.role == MemberRole.ADMIN


def test_member_remove_get_only_asks(client, world):
    client.force_login(world.owner)

    response = client.get(reverse("accounts:member_remove", args=[world.staff_membership.pk]))

    assert response.status_code == 200
    assert 'data-testid="confirm"' in response.content.decode()
    assert Membership.objects.filter(pk=world.staff_membership.pk).exists()


def test_member_remove_post_removes(client, world):
    client.force_login(world.owner)

    response = client.post(reverse("accounts:member_remove", args=[world.staff_membership.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=world.staff_membership.pk).exists()


def test_member_remove_htmx_returns_empty_body(client, world):
    client.force_login(world.owner)

    response = client.post(
        reverse("accounts:member_remove", args=[world.staff_membership.pk]), headers=HTMX
    )

    assert (response.status_code, response.content) == (200, b"")
    assert not Membership.objects.filter(pk=world.staff_membership.pk).exists()


def test_owner_remove_htmx_is_refused_with_an_alert(client, world):
    owner_membership = Membership.objects.get(user=world.owner)
    client.force_login(make_member(merchant=world.merchant, role=MemberRole.ADMIN))

    response = client.post(
        reverse("accounts:member_remove", args=[owner_membership.pk]), headers=HTMX
    )

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#page-alerts"
    assert "The owner cannot be removed" in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_owner_remove_without_htmx_shows_message(client, world):
    owner_membership = Membership.objects.get(user=world.owner)
    client.force_login(make_member(merchant=world.merchant, role=MemberRole.ADMIN))

    response = client.post(
        reverse("accounts:member_remove", args=[owner_membership.pk]), follow=True
    )

    assert "The owner cannot be removed" in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_revoke_post_revokes(client, world):
    client.force_login(world.owner)

    response = client.post(reverse("accounts:invitation_revoke", args=[world.invitation.pk]))

    assert response.status_code == 302
    world.invitation.refresh_from_db()
    assert world.invitation.status == InvitationStatus.REVOKED


def test_invitation_revoke_htmx_twice_shows_the_refusal(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:invitation_revoke", args=[world.invitation.pk])

    first = client.post(url, headers=HTMX)
    second = client.post(url, headers=HTMX)

    assert (first.status_code, first.content) == (200, b"")
    assert second.status_code == 400
    assert "Only pending invitations can be revoked" in second.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_REVOKED).count() == 1


def _invite_via_team(client, owner, email, django_capture_on_commit_callbacks) -> str:
    """Invite through the team page and return the accept path from the email."""
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:team"), {"email": email, "role": "staff", "permissions": ["orders"]}
        )
    client.logout()
    url = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    return urlparse(url).path


def test_invite_then_accept_as_a_new_person(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    path = _invite_via_team(client, owner, "fresh@example.test", django_capture_on_commit_callbacks)

    page = client.get(path)
    response = client.post(
        path, {"full_name": "Fresh Person", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert 'data-testid="invitation-signup"' in page.content.decode()
    assert "Create your login to join Acme Drop Co" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    user = User.objects.get(email="fresh@example.test")
    membership = Membership.objects.get(user=user)
    assert (membership.merchant_id, membership.permissions) == (merchant.pk, ["orders"])
    assert client.session[SESSION_KEY] == merchant.pk
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert client.get(path).status_code == 404


def test_accept_signup_with_mismatched_passwords_creates_nothing(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    path = _invite_via_team(client, owner, "fresh@example.test", django_capture_on_commit_callbacks)

    response = client.post(
        path, {"full_name": "Fresh", "password1": PASSWORD, "password2": "different-pass-1"}
    )

    assert response.status_code == 400
    assert "The two passwords do not match" in response.content.decode()
    assert not User.objects.filter(email="fresh@example.test").exists()


def test_accept_as_existing_user_asks_to_log_in_then_accepts(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="known@example.test")
    path = _invite_via_team(client, owner, "known@example.test", django_capture_on_commit_callbacks)

    anonymous_page = client.get(path).content.decode()
    client.force_login(existing)
    confirm_page = client.get(path).content.decode()
    response = client.post(path)

    assert 'data-testid="invitation-login"' in anonymous_page
    assert f'href="{LOGIN_URL}?next={path}"' in anonymous_page.replace("%2F", "/")
    assert 'data-testid="invitation-confirm"' in confirm_page
    assert response.status_code == 302
    assert Membership.objects.get(user=existing).merchant_id == merchant.pk
    assert client.session[SESSION_KEY] == merchant.pk


def test_accept_while_logged_in_as_someone_else_offers_logout(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    path = _invite_via_team(client, owner, "known@example.test", django_capture_on_commit_callbacks)
    someone = UserFactory(email="someone@example.test")
    client.force_login(someone)

    page = client.get(path)
    post = client.post(path)

    body = page.content.decode()
    assert page.status_code == 403
    assert 'data-testid="invitation-wrong_user"' in body
    assert reverse("account_logout") in body
    assert post.status_code == 403
    assert not Membership.objects.filter(user=someone).exists()


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked"])
def test_invalid_invitation_link_shows_friendly_404(client, merchant, owner, state):
    invitation, token = services.member_invite(merchant=merchant, actor=owner, email="x@x.test")
    if state == "unknown":
        token = "not-a-real-token"
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
    else:
        services.invitation_revoke(invitation=invitation, actor=owner)

    response = client.get(reverse("accounts:invitation_accept", args=[token]))

    assert response.status_code == 404
    assert 'data-testid="invitation-invalid"' in response.content.decode()


# --- API keys and tokens ----------------------------------------------------------------------


def test_apikey_is_shown_once(client, merchant, owner):
    client.force_login(owner)

    created = client.post(
        reverse("accounts:apikeys"), {"name": "Shopify sync", "scopes": ["read", "orders"]}
    )
    listing = client.get(reverse("accounts:apikeys"))

    body = created.content.decode()
    plaintext = re.search(rf"{merchant.account_number}@api@[0-9a-f]{{32}}", body).group(0)
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert 'data-testid="apikey-created"' in body
    assert "shown only this once" in body
    assert plaintext not in listing.content.decode()
    assert f"…{plaintext[-4:]}" in listing.content.decode()
    assert ApiKey.objects.get().key_hash != plaintext
    assert ApiKey.objects.get().scopes == ["read", "orders"]
    assert "Scopes: Read, Orders." in body


def test_apikey_created_page_opens_docs_in_a_new_tab_and_warns_before_leaving(
    client, merchant, owner
):
    client.force_login(owner)

    body = client.post(
        reverse("accounts:apikeys"), {"name": "ERP", "scopes": ["read"]}
    ).content.decode()

    assert '<a href="/api2.0/v1/docs" target="_blank" rel="noopener"' in body
    assert 'data-leave-warning="' in body
    assert '<script src="/static/dropyard/apikey_created.js" defer></script>' in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert 'data-copy="#new-api-key" data-copied="Copied"' in body  # app.js's word once copied


def test_apikeys_page_opens_docs_in_a_new_tab(client, merchant, owner):
    client.force_login(owner)

    body = client.get(reverse("accounts:apikeys")).content.decode()

    assert re.search(r'<a href="/api2.0/v1/docs" target="_blank" rel="noopener"', body)


def test_apikeys_page_offers_every_scope_ticked_and_lists_key_scopes(client, merchant, owner):
    services.apikey_create(merchant=merchant, actor=owner, name="all")
    services.apikey_create(merchant=merchant, actor=owner, name="hooks", scopes=["webhooks"])
    client.force_login(owner)

    body = client.get(reverse("accounts:apikeys")).content.decode()

    ticked = re.findall(r'name="scopes" value="(\w+)" id="scope-\w+" checked', body)
    assert ticked == ["read", "orders", "payments", "products", "stores", "webhooks"]
    cells = re.findall(r'data-testid="apikey-scopes-cell">(.*?)</td>', body)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == ["Webhooks", "Full access"]


def test_apikey_without_scopes_is_refused(client, merchant, owner):
    client.force_login(owner)

    response = client.post(reverse("accounts:apikeys"), {"name": "none"})

    assert response.status_code == 400
    assert "Choose at least one scope for the key." in response.content.decode()
    assert ApiKey.objects.count() == 0


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_only_owner_and_admins_create_keys(client, merchant, role):
    member = make_member(merchant=merchant, role=role, permissions=["developer"])
    client.force_login(member)

    page = client.get(reverse("accounts:apikeys")).content.decode()
    response = client.post(reverse("accounts:apikeys"), {"name": "k", "scopes": ["read"]})

    if role == "admin":
        assert 'data-testid="apikey-form"' in page
        assert response.status_code == 200
        assert ApiKey.objects.count() == 1
    else:
        assert 'data-testid="apikey-form"' not in page
        assert 'data-testid="apikey-owner-only"' in page
        assert response.status_code == 403
        assert "Only the account owner or an admin can create API keys" in (
            response.content.decode()
        )
        assert ApiKey.objects.count() == 0


def test_apikeys_page_links_to_api_docs_and_has_empty_states(client, merchant, owner):
    client.force_login(owner)

    body = client.get(reverse("accounts:apikeys")).content.decode()

    assert 'href="/api2.0/v1/docs"' in body
    assert "No API keys yet." in body
    assert "No active access tokens." in body


def test_apikeys_list_shows_keys_and_active_tokens(client, world):
    client.force_login(world.owner)

    body = client.get(reverse("accounts:apikeys")).content.decode()

    assert body.count('data-testid="apikey-row"') == 1
    assert body.count('data-testid="token-row"') == 1
    assert "Sync" in body


def test_apikeys_list_is_paginated(client, merchant, owner):
    for n in range(26):
        services.apikey_create(merchant=merchant, actor=owner, name=f"key {n}")
    client.force_login(owner)

    first = client.get(reverse("accounts:apikeys")).content.decode()
    second = client.get(reverse("accounts:apikeys") + "?page=2", headers=HTMX).content.decode()

    assert first.count('data-testid="apikey-row"') == 25
    assert second.count('data-testid="apikey-row"') == 1
    assert second.lstrip().startswith('<div id="apikeys" class="list-results">')


def test_apikey_revoke_post_revokes_key_and_tokens(client, world):
    client.force_login(world.owner)

    response = client.post(reverse("accounts:apikey_revoke", args=[world.api_key.pk]))

    assert response.status_code == 302
    world.api_key.refresh_from_db()
    world.token.refresh_from_db()
    assert world.api_key.revoked_at is not None
    assert world.token.revoked_at is not None


def test_apikey_revoke_htmx_returns_the_revoked_row(client, world):
    client.force_login(world.owner)

    response = client.post(reverse("accounts:apikey_revoke", args=[world.api_key.pk]), headers=HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="apikey-{world.api_key.pk}"')
    assert "Revoked" in body
    assert response["HX-Trigger"] == "tokens-changed"


def test_token_revoke_post_revokes(client, world):
    client.force_login(world.owner)

    response = client.post(reverse("accounts:token_revoke", args=[world.token.pk]), headers=HTMX)

    assert (response.status_code, response.content) == (200, b"")
    world.token.refresh_from_db()
    assert world.token.revoked_at is not None
    assert 'data-testid="token-row"' not in client.get(reverse("accounts:apikeys")).content.decode()


def test_create_apikey_with_too_long_name_shows_error(client, merchant, owner):
    client.force_login(owner)

    response = client.post(reverse("accounts:apikeys"), {"name": "k" * 101, "scopes": ["read"]})

    assert response.status_code == 400
    assert ApiKey.objects.count() == 0
