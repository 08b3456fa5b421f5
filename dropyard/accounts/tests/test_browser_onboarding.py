"""Browser test: a real Chromium (Playwright) drives a running Dropyard server.

Sign up a new merchant, open the verification link from the email backend, log in, create an API
key, invite a staff member with only the orders permission, accept as that member, and be refused
(403) on the team page. Also checks that the pages fit a 360 px wide phone screen.
"""

import re

import pytest
from django.core import mail

from dropyard.accounts.models import ApiKey, Invitation, Membership, MerchantAccount, User
from dropyard.accounts.services import sha256_hex

PASSWORD = "Browser-Test-Passw0rd!"
LINK = re.compile(r"https?://[^\s]+")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_in_last_mail(to: str, must_contain: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            for url in LINK.findall(message.body):
                if must_contain in url:
                    return url
    raise AssertionError(f"no mail to {to} with a link containing {must_contain!r}")


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_signup_verify_apikey_invite_and_refuse_staff(browser, live_server):
    base = live_server.url
    owner_email = "founder@shop.example"
    staff_email = "packer@shop.example"

    # Sign up a new merchant.
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/signup/")
    page.check("input[name=account_type][value=merchant]")
    page.fill("input[name=business_name]", "Browser Test Shop")
    page.fill("input[name=full_name]", "Fay Founder")
    page.fill("input[name=email]", owner_email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    merchant = MerchantAccount.objects.get(business_name="Browser Test Shop")
    assert Membership.objects.get(merchant=merchant).user.email == owner_email

    # Open the verification link from the email backend and confirm.
    confirm_url = _link_in_last_mail(owner_email, "/accounts/confirm-email/")
    page.goto(base + _path(confirm_url))
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_load_state()

    # Log in explicitly (a fresh browser, so the session from sign-up does not help).
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", owner_email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))
    assert page.get_by_test_id("current-merchant").inner_text() == "Browser Test Shop"

    # Create an API key; it is shown once in the documented format.
    page.get_by_test_id("main-nav").get_by_role("link", name="API keys").click()
    page.fill("input[name=name]", "Order sync")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-api-key").input_value()
    assert re.fullmatch(rf"{merchant.account_number}@api@[0-9a-f]{{32}}", key)
    assert ApiKey.objects.get(merchant=merchant).key_hash == sha256_hex(key)

    # Invite a staff member with only the orders permission.
    page.goto(f"{base}/account/team/")
    form = page.get_by_test_id("invite-form")
    form.locator("input[name=email]").fill(staff_email)
    form.locator("select[name=role]").select_option("staff")
    for box in form.locator("input[name=permissions]").all():
        box.set_checked(box.get_attribute("value") == "orders")
    form.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    invitation = Invitation.objects.get(merchant=merchant, email=staff_email)
    assert (invitation.role, invitation.permissions) == ("staff", ["orders"])

    # The owner's pages fit a phone screen.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone.add_cookies(page.context.cookies())
    phone_page = phone.new_page()
    for path in ("/home/", "/account/team/", "/account/api-keys/", "/account/profile/"):
        phone_page.goto(base + path)
        assert _no_horizontal_overflow(phone_page), path

    # Accept the invitation as the staff member, in a separate browser.
    invite_url = _link_in_last_mail(staff_email, "/account/invitations/")
    staff_page = browser.new_context().new_page()
    staff_page.goto(base + _path(invite_url))
    staff_page.fill("input[name=full_name]", "Pat Packer")
    staff_page.fill("input[name=password1]", PASSWORD)
    staff_page.fill("input[name=password2]", PASSWORD)
    staff_page.get_by_role("button", name="Create login and join").click()
    staff_page.wait_for_url(re.compile(r"/home/$"))
    staff = User.objects.get(email=staff_email)
    membership = Membership.objects.get(merchant=merchant, user=staff)
    assert (membership.role, membership.permissions) == ("staff", ["orders"])
    nav = staff_page.get_by_test_id("main-nav")
    assert nav.get_by_role("link", name="Team").count() == 0

    # The team page is refused.
    response = staff_page.goto(f"{base}/account/team/")
    assert response.status == 403
    assert staff_page.get_by_test_id("forbidden").is_visible()
