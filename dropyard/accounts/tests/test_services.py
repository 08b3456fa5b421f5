"""Merchant-side account services: merchants, members, invitations, API keys.

Supplier, operator and token services are tested next to their own features.
"""

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import resolve
from django.utils import timezone

from dropyard.accounts import services
from dropyard.accounts.choices import InvitationStatus, MemberRole
from dropyard.accounts.exceptions import (
    AccountsError,
    InvalidCredentials,
    InvalidRefreshToken,
    InvitationInvalid,
    OwnerProtected,
    PermissionDenied,
)
from dropyard.accounts.models import (
    ApiKey,
    ApiToken,
    Invitation,
    Membership,
    MerchantAccount,
    User,
)
from dropyard.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    make_member,
    make_merchant,
    make_operator,
    make_staff,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _audit_rows(since: int = 0) -> list[tuple[str, int | None, int | None]]:
    """(action, actor id, merchant id) of audit events with pk > ``since``, oldest first."""
    return list(
        AuditEvent.objects.filter(pk__gt=since)
        .order_by("pk")
        .values_list("action", "actor_id", "merchant_id")
    )


def _last_audit_pk() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.fixture
def settings_staff(merchant):
    """Staff of ``merchant`` with the settings area (may manage the team, but not admins)."""
    return make_staff(merchant=merchant, permissions=["settings"])


@pytest.fixture
def admin_user(merchant):
    return make_member(merchant=merchant, role=MemberRole.ADMIN)


def _membership(merchant, user) -> Membership:
    return Membership.objects.get(merchant=merchant, user=user)


def _invite(merchant, actor, email="new.person@example.test", **kwargs):
    return services.member_invite(merchant=merchant, actor=actor, email=email, **kwargs)


# --- merchant_account_create ------------------------------------------------------------------


def test_merchant_create_makes_the_user_its_single_owner():
    user = UserFactory(full_name="Ada Lovelace", email="ada@example.test")

    merchant = services.merchant_account_create(
        owner=user, business_name="  Ada Goods  ", target_markets=["us", "DE", "de"]
    )

    assert re.fullmatch(r"DY\d{8}", merchant.account_number)
    assert len(str(merchant.open_id)) == 16
    assert merchant.open_id <= 2**53 - 1  # exact as a JSON number read into a double
    assert merchant.business_name == "Ada Goods"
    assert merchant.target_markets == ["DE", "US"]
    assert merchant.contact_name == "Ada Lovelace"
    assert merchant.contact_email == "ada@example.test"
    assert list(merchant.members.values_list("user_id", "role")) == [(user.pk, "owner")]
    assert _audit_rows() == [(AuditAction.MERCHANT_CREATED, user.pk, merchant.pk)]


def test_merchant_create_refuses_blank_business_name():
    user = UserFactory()

    with pytest.raises(AccountsError) as excinfo:
        services.merchant_account_create(owner=user, business_name="   ")

    assert excinfo.value.message == "Business name is required"
    assert MerchantAccount.objects.count() == 0
    assert Membership.objects.count() == 0
    assert _audit_rows() == []


def test_merchant_create_refuses_unknown_market_and_writes_nothing():
    user = UserFactory()

    with pytest.raises(AccountsError) as excinfo:
        services.merchant_account_create(owner=user, business_name="X", target_markets=["ZZ"])

    assert excinfo.value.message == "Unknown country code: ZZ"
    assert MerchantAccount.objects.count() == 0
    assert _audit_rows() == []


def test_merchant_accounts_get_distinct_numbers():
    first, second = make_merchant(), make_merchant()

    assert first.account_number != second.account_number
    assert first.open_id != second.open_id


# --- merchant_profile_update ------------------------------------------------------------------


def test_profile_update_saves_changed_fields_and_audits_them(merchant, owner):
    since = _last_audit_pk()

    services.merchant_profile_update(
        merchant=merchant,
        actor=owner,
        business_name="Acme Drop Co",  # unchanged
        niche=" pet toys ",
        target_markets=["gb", "FR"],
        contact_phone="+44 20 7946 0000",
    )

    merchant.refresh_from_db()
    assert merchant.niche == "pet toys"
    assert merchant.target_markets == ["FR", "GB"]
    assert merchant.contact_phone == "+44 20 7946 0000"
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.actor_id, event.merchant_id) == (
        AuditAction.MERCHANT_UPDATED,
        owner.pk,
        merchant.pk,
    )
    assert event.details == {"fields": ["contact_phone", "niche", "target_markets"]}


def test_profile_update_without_changes_writes_no_audit(merchant, owner):
    since = _last_audit_pk()

    services.merchant_profile_update(merchant=merchant, actor=owner, business_name="Acme Drop Co")

    assert _audit_rows(since) == []


def test_profile_update_refuses_bad_country_and_changes_nothing(merchant, owner):
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.merchant_profile_update(
            merchant=merchant, actor=owner, niche="garden", target_markets=["US", "XX"]
        )

    assert excinfo.value.message == "Unknown country code: XX"
    merchant.refresh_from_db()
    assert merchant.niche == ""
    assert merchant.target_markets == []
    assert _audit_rows(since) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"business_name": "  "}, "Business name is required"),
        ({"account_number": "DY1"}, "Unknown profile field: account_number"),
    ],
)
def test_profile_update_refusals_change_nothing(merchant, owner, fields, message):
    since = _last_audit_pk()
    number = merchant.account_number

    with pytest.raises(AccountsError) as excinfo:
        services.merchant_profile_update(merchant=merchant, actor=owner, **fields)

    assert excinfo.value.message == message
    merchant.refresh_from_db()
    assert (merchant.business_name, merchant.account_number) == ("Acme Drop Co", number)
    assert _audit_rows(since) == []


# --- merchant_agent_assign --------------------------------------------------------------------


def test_agent_assign_sets_agent_and_audits_change(merchant, agent, operator_admin):
    since = _last_audit_pk()

    services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)

    merchant.refresh_from_db()
    assert merchant.agent_id == agent.pk
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.actor_id, event.merchant_id) == (
        AuditAction.AGENT_ASSIGNED,
        operator_admin.pk,
        merchant.pk,
    )
    assert event.details == {"from": None, "to": agent.email}


def test_agent_assign_none_clears_the_agent(merchant, agent, operator_admin):
    services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)

    services.merchant_agent_assign(merchant=merchant, agent=None, actor=operator_admin)

    merchant.refresh_from_db()
    assert merchant.agent_id is None
    assert AuditEvent.objects.filter(action=AuditAction.AGENT_ASSIGNED).first().details == {
        "from": agent.email,
        "to": None,
    }


@pytest.mark.parametrize("who", ["support", "merchant_user"])
def test_agent_assign_refuses_a_non_agent(merchant, operator_admin, who):
    candidate = make_operator(role="support") if who == "support" else UserFactory()
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.merchant_agent_assign(merchant=merchant, agent=candidate, actor=operator_admin)

    assert excinfo.value.message == "The personal agent must be operator staff with the agent role"
    merchant.refresh_from_db()
    assert merchant.agent_id is None
    assert _audit_rows(since) == []


# --- member_invite ----------------------------------------------------------------------------


def test_invite_stores_only_the_token_hash_and_audits(merchant, owner):
    since = _last_audit_pk()

    invitation, token = _invite(
        merchant, owner, "  New.Person@Example.TEST ", permissions=["orders"]
    )

    assert invitation.email == "new.person@example.test"
    assert invitation.role == MemberRole.STAFF
    assert invitation.permissions == ["orders"]
    assert invitation.store_ids == []
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.token_hash == _sha256(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    assert _audit_rows(since) == [(AuditAction.MEMBER_INVITED, owner.pk, merchant.pk)]


def test_invite_email_is_sent_on_commit_with_a_link_to_accept(
    merchant, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invitation, token = _invite(merchant, owner)
        assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert message.subject == "[Dropyard] You are invited to join Acme Drop Co"
    url = re.search(r"https?://\S+", message.body).group(0)
    match = resolve(urlparse(url).path)
    assert match.view_name == "accounts:invitation_accept"
    assert match.kwargs == {"token": token}


def test_invite_of_admin_keeps_no_permission_list(merchant, owner):
    invitation, _token = _invite(merchant, owner, role=MemberRole.ADMIN, permissions=["orders"])

    assert invitation.role == MemberRole.ADMIN
    assert invitation.permissions == []


def test_settings_staff_can_invite_staff(merchant, settings_staff):
    invitation, _token = _invite(merchant, settings_staff, permissions=["settings"])

    assert (invitation.role, invitation.invited_by_id) == (MemberRole.STAFF, settings_staff.pk)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"role": MemberRole.OWNER}, AccountsError, "Invitations are for admins or staff"),
        ({"permissions": ["orders", "rockets"]}, AccountsError, "Unknown permission area: rockets"),
        ({"email": "not-an-email"}, AccountsError, "Enter a valid email address"),
        ({"store_ids": ["one"]}, AccountsError, "Store ids must be integers"),
    ],
)
def test_invite_refusals_write_nothing(
    merchant, owner, django_capture_on_commit_callbacks, kwargs, error, message
):
    since = _last_audit_pk()
    kwargs = {"email": "new.person@example.test", **kwargs}

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error) as excinfo:
        services.member_invite(merchant=merchant, actor=owner, **kwargs)

    assert excinfo.value.message == message
    assert Invitation.objects.count() == 0
    assert _audit_rows(since) == []
    assert mail.outbox == []


def test_settings_staff_cannot_invite_an_admin(merchant, settings_staff):
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied) as excinfo:
        _invite(merchant, settings_staff, role=MemberRole.ADMIN)

    assert excinfo.value.message == "Only the owner or an admin can invite an admin"
    assert Invitation.objects.count() == 0
    assert _audit_rows(since) == []


def test_staff_without_settings_cannot_invite(merchant, staff_user):
    with pytest.raises(PermissionDenied) as excinfo:
        _invite(merchant, staff_user)

    assert excinfo.value.message == "You do not have permission to manage this team"
    assert Invitation.objects.count() == 0


def test_other_merchants_owner_cannot_invite(merchant, other_merchant):
    with pytest.raises(PermissionDenied):
        _invite(merchant, other_merchant.owner)

    assert Invitation.objects.count() == 0


def test_duplicate_pending_invitation_refused(merchant, owner):
    first, _token = _invite(merchant, owner)
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        _invite(merchant, owner, "NEW.person@example.test")

    assert excinfo.value.message == "new.person@example.test already has a pending invitation"
    assert list(Invitation.objects.values_list("pk", flat=True)) == [first.pk]
    assert _audit_rows(since) == []


def test_invite_of_a_member_refused(merchant, owner, staff_user):
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        _invite(merchant, owner, staff_user.email)

    assert excinfo.value.message == f"{staff_user.email} is already a member of this account"
    assert Invitation.objects.count() == 0
    assert _audit_rows(since) == []


def test_invite_after_revocation_is_allowed(merchant, owner):
    first, _token = _invite(merchant, owner)
    services.invitation_revoke(invitation=first, actor=owner)

    second, _token = _invite(merchant, owner)

    assert second.pk != first.pk
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 1


# --- invitation_accept ------------------------------------------------------------------------


def test_accept_creates_membership_with_the_invited_role(merchant, owner):
    invitation, token = _invite(merchant, owner, permissions=["orders", "wallet"])
    invitee = UserFactory(email="new.person@example.test")
    since = _last_audit_pk()

    membership = services.invitation_accept(token=token, user=invitee)

    assert (membership.merchant_id, membership.user_id, membership.role) == (
        merchant.pk,
        invitee.pk,
        MemberRole.STAFF,
    )
    assert membership.permissions == ["orders", "wallet"]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by_id == invitee.pk
    assert invitation.accepted_at is not None
    assert _audit_rows(since) == [(AuditAction.MEMBER_JOINED, invitee.pk, merchant.pk)]


def test_accept_with_another_email_refused(merchant, owner):
    invitation, token = _invite(merchant, owner)
    stranger = UserFactory(email="stranger@example.test")
    since = _last_audit_pk()

    with pytest.raises(InvitationInvalid) as excinfo:
        services.invitation_accept(token=token, user=stranger)

    assert excinfo.value.message == (
        "This invitation was sent to new.person@example.test; log in with that address"
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not Membership.objects.filter(user=stranger).exists()
    assert _audit_rows(since) == []


def test_accept_of_expired_invitation_refused(merchant, owner):
    invitation, token = _invite(merchant, owner)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitee = UserFactory(email="new.person@example.test")
    since = _last_audit_pk()

    with pytest.raises(InvitationInvalid) as excinfo:
        services.invitation_accept(token=token, user=invitee)

    assert excinfo.value.message == "This invitation has expired; ask for a new one"
    assert not Membership.objects.filter(user=invitee).exists()
    assert _audit_rows(since) == []


def test_accept_of_revoked_invitation_refused(merchant, owner):
    invitation, token = _invite(merchant, owner)
    services.invitation_revoke(invitation=invitation, actor=owner)
    invitee = UserFactory(email="new.person@example.test")
    since = _last_audit_pk()

    with pytest.raises(InvitationInvalid) as excinfo:
        services.invitation_accept(token=token, user=invitee)

    assert excinfo.value.message == "This invitation is not valid any more"
    assert not Membership.objects.filter(user=invitee).exists()
    assert _audit_rows(since) == []


def test_accept_twice_refused(merchant, owner):
    _invitation, token = _invite(merchant, owner)
    invitee = UserFactory(email="new.person@example.test")
    services.invitation_accept(token=token, user=invitee)
    since = _last_audit_pk()

    with pytest.raises(InvitationInvalid) as excinfo:
        services.invitation_accept(token=token, user=invitee)

    assert excinfo.value.message == "This invitation is not valid any more"
    assert Membership.objects.filter(user=invitee).count() == 1
    assert _audit_rows(since) == []


def test_accept_of_unknown_token_refused(merchant, owner):
    invitee = UserFactory(email="new.person@example.test")

    with pytest.raises(InvitationInvalid):
        services.invitation_accept(token="made-up", user=invitee)

    assert not Membership.objects.filter(user=invitee).exists()


# --- invitation_accept_new_user ---------------------------------------------------------------


def test_accept_new_user_creates_verified_login_and_membership(merchant, owner):
    _invitation, token = _invite(merchant, owner, permissions=["orders"])
    since = _last_audit_pk()

    membership = services.invitation_accept_new_user(
        token=token, full_name="  Grace Hopper ", password=PASSWORD
    )

    user = User.objects.get(email="new.person@example.test")
    assert membership.user_id == user.pk
    assert (membership.merchant_id, membership.permissions) == (merchant.pk, ["orders"])
    assert user.full_name == "Grace Hopper"
    assert user.check_password(PASSWORD)
    assert user.password != PASSWORD
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("new.person@example.test", True, True)]
    assert _audit_rows(since) == [
        (AuditAction.SIGNUP, user.pk, merchant.pk),
        (AuditAction.MEMBER_JOINED, user.pk, merchant.pk),
    ]


def test_accept_new_user_refused_when_login_exists(merchant, owner):
    invitation, token = _invite(merchant, owner)
    UserFactory(email="new.person@example.test")
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.invitation_accept_new_user(token=token, full_name="X", password=PASSWORD)

    assert excinfo.value.message == (
        "new.person@example.test already has a login; log in to accept"
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert _audit_rows(since) == []


def test_accept_new_user_refuses_weak_password_and_creates_nothing(merchant, owner):
    invitation, token = _invite(merchant, owner)
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.invitation_accept_new_user(token=token, full_name="X", password="123")

    assert "too short" in excinfo.value.message
    assert not User.objects.filter(email="new.person@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert _audit_rows(since) == []


# --- invitation_revoke ------------------------------------------------------------------------


def test_revoke_invitation_marks_it_revoked_and_audits(merchant, owner):
    invitation, _token = _invite(merchant, owner)
    since = _last_audit_pk()

    services.invitation_revoke(invitation=invitation, actor=owner)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert _audit_rows(since) == [(AuditAction.INVITATION_REVOKED, owner.pk, merchant.pk)]


def test_revoke_of_accepted_invitation_refused(merchant, owner):
    invitation, token = _invite(merchant, owner)
    services.invitation_accept(token=token, user=UserFactory(email="new.person@example.test"))
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.invitation_revoke(invitation=invitation, actor=owner)

    assert excinfo.value.message == "Only pending invitations can be revoked"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert _audit_rows(since) == []


def test_revoke_by_staff_without_settings_refused(merchant, owner, staff_user):
    invitation, _token = _invite(merchant, owner)
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation=invitation, actor=staff_user)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert _audit_rows(since) == []


# --- member_update ----------------------------------------------------------------------------


def test_member_update_changes_role_and_areas_and_audits_before_after(merchant, owner, staff_user):
    membership = _membership(merchant, staff_user)
    since = _last_audit_pk()

    services.member_update(
        membership=membership,
        actor=owner,
        role=MemberRole.STAFF,
        permissions=["wallet", "orders", "wallet"],
        store_ids=["3", 1],
    )

    membership.refresh_from_db()
    assert (membership.role, membership.permissions, membership.store_ids) == (
        MemberRole.STAFF,
        ["orders", "wallet"],
        [1, 3],
    )
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.actor_id, event.merchant_id) == (
        AuditAction.MEMBER_UPDATED,
        owner.pk,
        merchant.pk,
    )
    assert event.details == {
        "before": {"role": "staff", "permissions": ["orders"], "store_ids": []},
        "after": {"role": "staff", "permissions": ["orders", "wallet"], "store_ids": [1, 3]},
    }


def test_member_update_to_admin_drops_the_area_list(merchant, owner, staff_user):
    membership = _membership(merchant, staff_user)

    services.member_update(
        membership=membership, actor=owner, role=MemberRole.ADMIN, permissions=["orders"]
    )

    membership.refresh_from_db()
    assert (membership.role, membership.permissions) == (MemberRole.ADMIN, [])


def test_owner_is_protected_from_update(merchant, owner, admin_user):
    membership = _membership(merchant, owner)
    since = _last_audit_pk()

    with pytest.raises(OwnerProtected) as excinfo:
        services.member_update(membership=membership, actor=admin_user, role=MemberRole.STAFF)

    assert excinfo.value.message == "The owner's role cannot be changed"
    membership.refresh_from_db()
    assert membership.role == MemberRole.OWNER
    assert _audit_rows(since) == []


def test_self_edit_refused(merchant, admin_user):
    membership = _membership(merchant, admin_user)
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied) as excinfo:
        services.member_update(membership=membership, actor=admin_user, role=MemberRole.STAFF)

    assert excinfo.value.message == "You cannot change your own role or permissions"
    membership.refresh_from_db()
    assert membership.role == MemberRole.ADMIN
    assert _audit_rows(since) == []


@pytest.mark.parametrize("target_role", [MemberRole.ADMIN, MemberRole.STAFF])
def test_settings_staff_cannot_touch_admins(merchant, settings_staff, admin_user, target_role):
    membership = _membership(merchant, admin_user)
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied) as excinfo:
        services.member_update(membership=membership, actor=settings_staff, role=target_role)

    assert excinfo.value.message == "Only the owner or an admin can change admins"
    membership.refresh_from_db()
    assert membership.role == MemberRole.ADMIN
    assert _audit_rows(since) == []


def test_settings_staff_cannot_promote_to_admin(merchant, settings_staff, staff_user):
    membership = _membership(merchant, staff_user)

    with pytest.raises(PermissionDenied):
        services.member_update(membership=membership, actor=settings_staff, role=MemberRole.ADMIN)

    membership.refresh_from_db()
    assert membership.role == MemberRole.STAFF


def test_member_update_with_unknown_area_leaves_instance_and_row_unchanged(
    merchant, owner, staff_user
):
    membership = _membership(merchant, staff_user)
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.member_update(
            membership=membership, actor=owner, role=MemberRole.STAFF, permissions=["nope"]
        )

    assert excinfo.value.message == "Unknown permission area: nope"
    assert (membership.role, membership.permissions) == (MemberRole.STAFF, ["orders"])
    membership.refresh_from_db()
    assert membership.permissions == ["orders"]
    assert _audit_rows(since) == []


def test_member_update_refuses_owner_role(merchant, owner, staff_user):
    membership = _membership(merchant, staff_user)

    with pytest.raises(AccountsError) as excinfo:
        services.member_update(membership=membership, actor=owner, role=MemberRole.OWNER)

    assert excinfo.value.message == "Role must be admin or staff"
    membership.refresh_from_db()
    assert membership.role == MemberRole.STAFF


# --- member_remove ----------------------------------------------------------------------------


def test_member_remove_deletes_membership_and_audits(merchant, owner, staff_user):
    membership = _membership(merchant, staff_user)
    since = _last_audit_pk()

    services.member_remove(membership=membership, actor=owner)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=staff_user.pk).exists()
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.actor_id, event.merchant_id, event.target_label) == (
        AuditAction.MEMBER_REMOVED,
        owner.pk,
        merchant.pk,
        staff_user.email,
    )


def test_owner_cannot_be_removed(merchant, owner, admin_user):
    membership = _membership(merchant, owner)
    since = _last_audit_pk()

    with pytest.raises(OwnerProtected) as excinfo:
        services.member_remove(membership=membership, actor=admin_user)

    assert excinfo.value.message == "The owner cannot be removed"
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert _audit_rows(since) == []


def test_admin_removal_needs_owner_or_admin(merchant, settings_staff, admin_user):
    membership = _membership(merchant, admin_user)
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied) as excinfo:
        services.member_remove(membership=membership, actor=settings_staff)

    assert excinfo.value.message == "Only the owner or an admin can remove an admin"
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert _audit_rows(since) == []


def test_admin_can_remove_another_admin(merchant, admin_user):
    other_admin = make_member(merchant=merchant, role=MemberRole.ADMIN)
    membership = _membership(merchant, other_admin)

    services.member_remove(membership=membership, actor=admin_user)

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_settings_staff_can_remove_staff_within_their_areas(merchant, settings_staff):
    membership = _membership(merchant, make_staff(merchant=merchant, permissions=["settings"]))

    services.member_remove(membership=membership, actor=settings_staff)

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_settings_staff_cannot_remove_staff_holding_areas_they_lack(
    merchant, settings_staff, staff_user
):
    membership = _membership(merchant, staff_user)  # holds orders, which settings_staff lacks

    with pytest.raises(PermissionDenied, match=r"areas you do not have \(orders\)"):
        services.member_remove(membership=membership, actor=settings_staff)

    assert Membership.objects.filter(pk=membership.pk).exists()


def test_staff_without_settings_cannot_remove(merchant, staff_user):
    other = make_staff(merchant=merchant)
    membership = _membership(merchant, other)

    with pytest.raises(PermissionDenied):
        services.member_remove(membership=membership, actor=staff_user)

    assert Membership.objects.filter(pk=membership.pk).exists()


# --- apikey_create ----------------------------------------------------------------------------


def test_apikey_create_returns_key_in_contract_format_and_stores_only_its_hash(merchant, owner):
    since = _last_audit_pk()

    api_key, plaintext = services.apikey_create(merchant=merchant, actor=owner, name=" Shopify ")

    assert re.fullmatch(rf"{merchant.account_number}@api@[0-9a-f]{{32}}", plaintext)
    assert api_key.name == "Shopify"
    assert api_key.key_hash == _sha256(plaintext)
    assert api_key.key_hint == plaintext[-4:]
    assert api_key.created_by_id == owner.pk
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert all(plaintext not in str(value) for value in stored.values())
    assert plaintext[-32:] not in str(stored)
    assert _audit_rows(since) == [(AuditAction.APIKEY_CREATED, owner.pk, merchant.pk)]


def test_apikey_create_gives_different_keys(merchant, owner):
    _first, first_plain = services.apikey_create(merchant=merchant, actor=owner, name="a")
    _second, second_plain = services.apikey_create(merchant=merchant, actor=owner, name="a")

    assert first_plain != second_plain


def test_apikey_create_names_a_blank_key(merchant, owner):
    api_key, _plaintext = services.apikey_create(merchant=merchant, actor=owner, name="  ")

    assert api_key.name == "API key"


def test_apikey_create_refuses_long_name(merchant, owner):
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.apikey_create(merchant=merchant, actor=owner, name="k" * 101)

    assert excinfo.value.message == "Key name is too long (100 characters at most)"
    assert ApiKey.objects.count() == 0
    assert _audit_rows(since) == []


def test_apikey_create_by_system_is_labelled(merchant):
    services.apikey_create(merchant=merchant, actor=None, name="seed")

    event = AuditEvent.objects.get(action=AuditAction.APIKEY_CREATED)
    assert (event.actor_id, event.actor_label) == (None, "system")


def test_apikey_create_gives_every_scope_unless_told(merchant, owner):
    full, _ = services.apikey_create(merchant=merchant, actor=owner, name="full")
    some, _ = services.apikey_create(
        merchant=merchant, actor=owner, name="some", scopes=["webhooks", "read", "read"]
    )

    assert full.scopes == ["read", "orders", "payments", "products", "stores", "webhooks"]
    assert some.scopes == ["read", "webhooks"]
    assert AuditEvent.objects.filter(action=AuditAction.APIKEY_CREATED).latest("pk").details == {
        "scopes": ["read", "webhooks"]
    }


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        ([], "Choose at least one scope for the key"),
        (["read", "admin", "all"], "Unknown API key scope: admin, all"),
    ],
)
def test_apikey_create_refuses_bad_scopes(merchant, owner, scopes, message):
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.apikey_create(merchant=merchant, actor=owner, name="k", scopes=scopes)

    assert excinfo.value.message == message
    assert ApiKey.objects.count() == 0
    assert _audit_rows(since) == []


def test_apikey_create_by_an_admin_member(merchant):
    admin = make_member(merchant=merchant, role="admin")

    api_key, _ = services.apikey_create(merchant=merchant, actor=admin, name="k")

    assert api_key.created_by_id == admin.pk


@pytest.mark.parametrize("who", ["staff", "developer_staff", "outsider"])
def test_apikey_create_refuses_anyone_but_owner_and_admins(merchant, other_merchant, who):
    actor = {
        "staff": lambda: make_staff(merchant=merchant, permissions=["orders"]),
        "developer_staff": lambda: make_staff(merchant=merchant, permissions=["developer"]),
        "outsider": lambda: other_merchant.owner,
    }[who]()
    since = _last_audit_pk()

    with pytest.raises(PermissionDenied) as excinfo:
        services.apikey_create(merchant=merchant, actor=actor, name="k")

    assert excinfo.value.message == "Only the account owner or an admin can create API keys"
    assert ApiKey.objects.count() == 0
    assert _audit_rows(since) == []


# --- apikey_revoke ----------------------------------------------------------------------------


def test_apikey_revoke_revokes_the_key_and_its_tokens_only(merchant, owner):
    api_key, plaintext = services.apikey_create(merchant=merchant, actor=owner, name="a")
    other_key, other_plain = services.apikey_create(merchant=merchant, actor=owner, name="b")
    token, _access, _refresh = services.token_issue(api_key=plaintext)
    other_token, _access, _refresh = services.token_issue(api_key=other_plain)
    since = _last_audit_pk()

    services.apikey_revoke(api_key=api_key, actor=owner)

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api_key.revoked_by_id == owner.pk
    token.refresh_from_db()
    other_token.refresh_from_db()
    other_key.refresh_from_db()
    assert token.revoked_at == api_key.revoked_at
    assert other_token.revoked_at is None
    assert other_key.revoked_at is None
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.actor_id, event.merchant_id) == (
        AuditAction.APIKEY_REVOKED,
        owner.pk,
        merchant.pk,
    )
    assert event.details == {"tokens_revoked": 1}


def test_revoked_key_cannot_get_tokens(merchant, owner):
    api_key, plaintext = services.apikey_create(merchant=merchant, actor=owner, name="a")
    services.apikey_revoke(api_key=api_key, actor=owner)

    with pytest.raises(InvalidCredentials):
        services.token_issue(api_key=plaintext)

    assert ApiToken.objects.count() == 0


def test_apikey_revoke_twice_refused(merchant, owner):
    api_key, _plaintext = services.apikey_create(merchant=merchant, actor=owner, name="a")
    services.apikey_revoke(api_key=api_key, actor=owner)
    api_key.refresh_from_db()
    revoked_at = api_key.revoked_at
    since = _last_audit_pk()

    with pytest.raises(AccountsError) as excinfo:
        services.apikey_revoke(api_key=api_key, actor=owner)

    assert excinfo.value.message == "This key is already revoked"
    api_key.refresh_from_db()
    assert api_key.revoked_at == revoked_at
    assert _audit_rows(since) == []


def test_staff_cannot_invite_with_areas_they_lack(merchant):
    manager = make_staff(merchant=merchant, permissions=["settings", "orders"])

    with pytest.raises(PermissionDenied, match="not: wallet"):
        services.member_invite(
            merchant=merchant, actor=manager, email="x@example.test", permissions=["wallet"]
        )

    assert Invitation.objects.filter(merchant=merchant).count() == 0


def test_staff_can_invite_with_their_own_areas(merchant):
    manager = make_staff(merchant=merchant, permissions=["settings", "orders"])

    invitation, _token = services.member_invite(
        merchant=merchant, actor=manager, email="x@example.test", permissions=["orders"]
    )

    assert invitation.permissions == ["orders"]


def test_staff_cannot_grant_areas_they_lack_on_update(merchant):
    manager = make_staff(merchant=merchant, permissions=["settings", "orders"])
    other = make_staff(merchant=merchant, permissions=["orders"])
    membership = merchant.members.get(user=other)

    with pytest.raises(PermissionDenied, match="not: wallet"):
        services.member_update(
            membership=membership, actor=manager, role="staff", permissions=["orders", "wallet"]
        )

    membership.refresh_from_db()
    assert membership.permissions == ["orders"]


# --- Reach rules: staff cannot widen access beyond their own ---------------------------------


def _store_limited_manager(merchant, stores):
    user = make_staff(merchant=merchant, permissions=["settings", "orders"])
    membership = _membership(merchant, user)
    membership.store_ids = stores
    membership.save()
    return user


@pytest.mark.parametrize("store_ids", [[], [1, 3], [3]])
def test_store_limited_staff_cannot_grant_other_or_all_stores(merchant, store_ids):
    manager = _store_limited_manager(merchant, [1, 2])

    with pytest.raises(PermissionDenied, match="stores you can access yourself"):
        _invite(merchant, manager, permissions=["orders"], store_ids=store_ids)

    assert Invitation.objects.filter(merchant=merchant).count() == 0


def test_store_limited_staff_can_grant_a_subset_of_their_stores(merchant):
    manager = _store_limited_manager(merchant, [1, 2])

    invitation, _token = _invite(merchant, manager, permissions=["orders"], store_ids=[2])

    assert invitation.store_ids == [2]


def test_store_limited_staff_cannot_widen_a_peer_to_every_store(merchant):
    manager = _store_limited_manager(merchant, [1, 2])
    peer = _membership(merchant, make_staff(merchant=merchant, permissions=["orders"]))
    peer.store_ids = [2]
    peer.save()

    with pytest.raises(PermissionDenied, match="stores you can access yourself"):
        services.member_update(
            membership=peer, actor=manager, role="staff", permissions=["orders"], store_ids=[]
        )

    peer.refresh_from_db()
    assert peer.store_ids == [2]


def test_staff_cannot_edit_a_member_holding_areas_they_lack(merchant, settings_staff):
    target = _membership(merchant, make_staff(merchant=merchant, permissions=["wallet"]))

    with pytest.raises(PermissionDenied, match=r"areas you do not have \(wallet\)"):
        services.member_update(membership=target, actor=settings_staff, role="staff")

    target.refresh_from_db()
    assert target.permissions == ["wallet"]


def test_staff_cannot_revoke_an_admin_invitation(merchant, owner, settings_staff):
    invitation, _token = _invite(merchant, owner, role=MemberRole.ADMIN)

    with pytest.raises(PermissionDenied, match="revoke an admin invitation"):
        services.invitation_revoke(invitation=invitation, actor=settings_staff)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


# --- Operators and merchant accounts stay apart ----------------------------------------------


def test_operator_cannot_be_invited(merchant, owner, agent):
    with pytest.raises(AccountsError, match="is operator staff"):
        _invite(merchant, owner, email=agent.email)

    assert Invitation.objects.filter(merchant=merchant).count() == 0


def test_operator_cannot_accept_an_invitation(merchant, owner):
    _invitation, token = _invite(merchant, owner, email="later.staff@example.test")
    user = UserFactory(email="later.staff@example.test", operator_role="support")

    with pytest.raises(AccountsError, match="Operator staff cannot join"):
        services.invitation_accept(token=token, user=user)

    assert not Membership.objects.filter(merchant=merchant, user=user).exists()


def test_expired_invitation_does_not_block_a_new_one(merchant, owner):
    old, _token = _invite(merchant, owner, email="late@example.test")
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    new, _token = _invite(merchant, owner, email="late@example.test")

    old.refresh_from_db()
    assert (old.status, new.status) == (InvitationStatus.REVOKED, InvitationStatus.PENDING)


# --- API tokens end with the person's membership ---------------------------------------------


def _token_for(merchant, user):
    _key, plaintext = services.apikey_create(merchant=merchant, actor=merchant.owner, name="k")
    return services.token_issue(api_key=plaintext, email=user.email)


def test_removing_a_member_revokes_their_tokens(merchant, owner):
    member = make_staff(merchant=merchant, permissions=["developer"])
    token, access, refresh = _token_for(merchant, member)

    services.member_remove(membership=_membership(merchant, member), actor=owner)

    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(InvalidCredentials):
        services.token_authenticate(access_token=access)
    with pytest.raises(InvalidRefreshToken):
        services.token_refresh(refresh_token=refresh)
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_REMOVED)
    assert event.details == {"role": "staff", "tokens_revoked": 1}


def test_token_of_a_deactivated_person_stops_working(merchant):
    member = make_staff(merchant=merchant, permissions=["developer"])
    _token, access, refresh = _token_for(merchant, member)
    User.objects.filter(pk=member.pk).update(is_active=False)

    with pytest.raises(InvalidCredentials):
        services.token_authenticate(access_token=access)
    with pytest.raises(InvalidRefreshToken):
        services.token_refresh(refresh_token=refresh)


def test_key_token_without_a_person_survives_member_removal(merchant, owner):
    member = make_member(merchant=merchant, role="admin")
    _key, plaintext = services.apikey_create(merchant=merchant, actor=member, name="integration")
    _token, access, _refresh = services.token_issue(api_key=plaintext)

    services.member_remove(membership=_membership(merchant, member), actor=owner)

    assert services.token_authenticate(access_token=access).merchant_id == merchant.pk
