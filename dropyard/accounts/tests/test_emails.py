"""Outgoing email is branded: allauth's messages (verification, password reset) and the
project's own notifications carry a text and an HTML part, the platform's name, links to
``SITE_URL`` and never the address the request came in on (``127.0.0.1:8101``)."""

import pytest
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.tests.test_auth_flows import _signup

pytestmark = pytest.mark.django_db

SITE = "https://ship.acme-fulfil.test"


@pytest.fixture
def branded(settings):
    settings.DROPYARD_SITE_NAME = "Acme Fulfil"
    settings.SITE_URL = SITE
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Acme Fulfil] "
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    return settings


def _html(message) -> str:
    parts = [body for body, mime in message.alternatives if mime == "text/html"]
    assert len(parts) == 1
    return parts[0]


def _assert_branded(message, *, link_path: str) -> None:
    html = _html(message)
    for part in (message.subject, message.body, html):
        assert "127.0.0.1" not in part
        assert "testserver" not in part
    assert "Acme Fulfil" in message.body
    assert "Acme Fulfil" in html
    assert f"{SITE}{link_path}" in message.body
    assert f'href="{SITE}{link_path}' in html
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_signup_verification_email_is_branded_text_and_html(client, branded, mailoutbox):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8101"  # the address the form was posted to

    _signup(client)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "[Acme Fulfil] Please Confirm Your Email Address"
    _assert_branded(message, link_path="/accounts/confirm-email/")


def test_password_reset_email_is_branded_text_and_html(client, owner, branded, mailoutbox):
    client.post(
        reverse("account_reset_password"), {"email": owner.email}, HTTP_HOST="127.0.0.1:8101"
    )

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject.startswith("[Acme Fulfil] ")
    _assert_branded(message, link_path="/accounts/password/reset/key/")


def test_invitation_email_is_branded_text_and_html(
    merchant, owner, branded, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            merchant=merchant, actor=owner, email="helper@example.test", role="staff"
        )

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == f"[Acme Fulfil] You are invited to join {merchant.business_name}"
    _assert_branded(message, link_path="/account/invitations/")
