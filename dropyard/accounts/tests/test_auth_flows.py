"""Sign-up, verification, login, password reset and TOTP, through allauth's own views."""

import re
import time
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from dropyard.accounts.models import Membership, MerchantAccount, User
from dropyard.accounts.tests.factories import PASSWORD, UserFactory
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-horse-staple-7"


def _signup(client, **overrides):
    data = {
        "email": "new.merchant@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "New Merchant",
        "account_type": "merchant",
        "business_name": "New Biz Ltd",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _link_in(message) -> str:
    return urlparse(re.search(r"https?://\S+", message.body).group(0)).path


def _logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- Sign-up ----------------------------------------------------------------------------------


def test_signup_page_shows_our_extra_fields_in_the_frame(client):
    response = client.get(reverse("account_signup"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="auth-card"' in body
    for name in ("full_name", "account_type", "business_name", "email", "password1"):
        assert f'name="{name}"' in body
    assert 'value="supplier"' in body


def test_merchant_signup_creates_user_merchant_and_owner_and_sends_verification(client):
    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.merchant@example.test")
    assert user.full_name == "New Merchant"
    membership = Membership.objects.select_related("merchant").get(user=user)
    assert (membership.role, membership.merchant.business_name) == ("owner", "New Biz Ltd")
    assert membership.merchant.contact_email == "new.merchant@example.test"
    assert list(EmailAddress.objects.filter(user=user).values_list("verified", "primary")) == [
        (False, True)
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.merchant@example.test"]
    assert _link_in(mail.outbox[0]).startswith("/accounts/confirm-email/")
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == {AuditAction.SIGNUP, AuditAction.MERCHANT_CREATED}
    assert _logged_in_user_id(client) is None


def test_merchant_signup_without_business_name_creates_nothing(client):
    response = _signup(client, business_name="")

    assert response.status_code == 200
    assert "Enter your business name" in response.content.decode()
    assert not User.objects.filter(email="new.merchant@example.test").exists()
    assert MerchantAccount.objects.count() == 0
    assert mail.outbox == []


def test_supplier_signup_creates_no_merchant(client):
    response = _signup(
        client, email="factory@example.test", account_type="supplier", business_name=""
    )

    assert response.status_code == 302
    user = User.objects.get(email="factory@example.test")
    assert not Membership.objects.filter(user=user).exists()
    assert MerchantAccount.objects.count() == 0
    assert len(mail.outbox) == 1


def test_verification_sent_page_renders_in_frame(client):
    _signup(client)

    response = client.get(reverse("account_email_verification_sent"))

    assert 'data-testid="verification-sent"' in response.content.decode()


# --- Verification and login -------------------------------------------------------------------


def test_login_is_blocked_until_the_email_is_verified(client):
    _signup(client)
    client.logout()
    mail.outbox.clear()

    response = _login(client, "new.merchant@example.test")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(client) is None
    assert len(mail.outbox) == 1  # the verification email is sent again


def test_verify_by_the_emailed_link_then_log_in(client):
    _signup(client)
    link = _link_in(mail.outbox[0])
    client.logout()

    confirm_page = client.get(link)
    confirmed = client.post(link)
    response = _login(client, "new.merchant@example.test")

    user = User.objects.get(email="new.merchant@example.test")
    assert confirm_page.status_code == 200
    assert "Confirm my email" in confirm_page.content.decode()
    assert not EmailAddress.objects.filter(user=user, verified=False).exists()
    assert confirmed.status_code == 302
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert _logged_in_user_id(client) == user.pk
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_confirm_link_get_alone_does_not_verify(client):
    _signup(client)
    link = _link_in(mail.outbox[0])

    client.get(link)

    assert EmailAddress.objects.get(email="new.merchant@example.test").verified is False


def test_failed_login_writes_an_audit_event(client, merchant, owner):
    response = _login(client, owner.email, password="wrong-password")

    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.actor_id, event.actor_label, event.merchant_id) == (
        None,
        owner.email,
        merchant.pk,
    )
    assert event.details == {"known_user": True}


def test_failed_login_with_unknown_email_is_audited_without_merchant(client, db):
    _login(client, "nobody@example.test", password="wrong-password")

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.actor_label, event.merchant_id, event.details) == (
        "nobody@example.test",
        None,
        {"known_user": False},
    )


def test_login_page_renders_in_frame_with_reset_link(client):
    body = client.get(reverse("account_login")).content.decode()

    assert 'data-testid="login-form"' in body
    assert "auth-card" in body
    assert reverse("account_reset_password") in body


# --- Password reset ---------------------------------------------------------------------------


def test_password_reset_by_email_link(client, owner):
    response = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    key_link = _link_in(mail.outbox[0])

    set_password_page = client.get(key_link, follow=True)
    form_url = set_password_page.redirect_chain[-1][0]
    changed = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert "Choose a new password" in set_password_page.content.decode()
    assert changed.status_code == 302
    assert changed["Location"] == reverse("account_reset_password_from_key_done")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, actor=owner).count() == 1
    client.logout()
    assert _login(client, owner.email, NEW_PASSWORD)["Location"] == reverse("dashboard:home")


def test_password_reset_link_with_bad_key_shows_bad_token(client, owner):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
        follow=True,
    )

    assert "Link not valid" in response.content.decode()


# --- Two-factor (TOTP) ------------------------------------------------------------------------


@pytest.fixture
def totp_tolerance(settings):
    """Accept the previous 30-second step too, so a tick between code and check cannot flake."""
    settings.MFA_TOTP_TOLERANCE = 1


def _enable_totp(client, user) -> str:
    """Log in through the login view, activate TOTP through allauth's views; return the secret."""
    assert _login(client, user.email).status_code == 302
    # allauth asks for the password again before a security change, even right after login.
    ask = client.get(reverse("mfa_activate_totp"))
    assert ask["Location"].startswith(reverse("account_reauthenticate"))
    reauth_page = client.get(ask["Location"])
    assert "Confirm it is you" in reauth_page.content.decode()
    client.post(ask["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    return secret


def test_enabling_totp_creates_authenticator_and_recovery_codes(
    client, owner, totp_tolerance, django_capture_on_commit_callbacks
):
    # allauth sends authenticator_added (which feeds the audit log) on commit.
    with django_capture_on_commit_callbacks(execute=True):
        _enable_totp(client, owner)

    types = set(Authenticator.objects.filter(user=owner).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    events = AuditEvent.objects.filter(action=AuditAction.MFA_ENABLED).order_by("pk")
    assert [(e.actor_id, e.details) for e in events] == [
        (owner.pk, {"type": "totp"}),
        (owner.pk, {"type": "recovery_codes"}),
    ]
    index = client.get(reverse("mfa_index")).content.decode()
    assert 'data-testid="mfa-totp"' in index
    assert "auth-card" in index


def test_activation_with_wrong_code_is_refused(client, owner):
    _login(client, owner.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=owner).exists()


def test_login_with_totp_requires_the_code(client, owner, totp_tolerance):
    secret = _enable_totp(client, owner)
    client.post(reverse("account_logout"))

    first_step = _login(client, owner.email)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    still_out = _logged_in_user_id(client)
    right = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})

    assert first_step.status_code == 302
    assert first_step["Location"] == reverse("mfa_authenticate")
    assert wrong.status_code == 200
    assert 'data-testid="mfa-authenticate"' in wrong.content.decode()
    assert still_out is None
    assert right.status_code == 302
    assert right["Location"] == reverse("dashboard:home")
    assert _logged_in_user_id(client) == owner.pk


def test_totp_user_without_code_cannot_reach_pages(client, owner, totp_tolerance):
    _enable_totp(client, owner)
    client.post(reverse("account_logout"))

    _login(client, owner.email)
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_recovery_code_logs_in(client, totp_tolerance):
    user = UserFactory()
    _enable_totp(client, user)
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    client.post(reverse("account_logout"))

    _login(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == user.pk


def test_django_admin_login_goes_through_allauth(client, operator_admin):
    """The admin's own password form would bypass email verification and two-factor login."""
    response = client.post(
        "/django-admin/login/", {"username": operator_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
