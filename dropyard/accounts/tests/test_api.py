"""authentication/* and setting/* through the full stack, checked with the conformance client."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.accounts import services
from dropyard.accounts.models import ApiToken
from dropyard.accounts.tests.factories import PASSWORD, UserFactory, make_member, make_staff
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.core.testing.cj_client import CJClient, parse_api_datetime

HEX32 = re.compile(r"^[0-9a-f]{32}$")
TOKEN_FIELDS = {
    "openId",
    "accessToken",
    "accessTokenExpiryDate",
    "refreshToken",
    "refreshTokenExpiryDate",
    "createDate",
}


@pytest.fixture
def rate_limits_on(settings, ratelimit_clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True


def _token_events(action):
    return list(AuditEvent.objects.filter(action=action).values_list("ip_address", flat=True))


# --- getAccessToken -------------------------------------------------------------------------


def test_get_access_token_with_api_key_issues_pair(cj, merchant, api_key):
    data = cj.get_access_token(api_key).ok()

    assert set(data) == TOKEN_FIELDS
    assert data["openId"] == merchant.open_id
    assert type(data["openId"]) is int
    assert HEX32.match(data["accessToken"])
    assert HEX32.match(data["refreshToken"])
    created = parse_api_datetime(data["createDate"])
    assert created.utcoffset() == timedelta(0)
    assert parse_api_datetime(data["accessTokenExpiryDate"]) - created == timedelta(days=15)
    assert parse_api_datetime(data["refreshTokenExpiryDate"]) - created == timedelta(days=180)
    token = ApiToken.objects.get()
    assert (token.merchant_id, token.api_key.key_hint, token.user) == (
        merchant.pk,
        api_key[-4:],
        None,
    )
    assert _token_events(AuditAction.TOKEN_ISSUED) == ["127.0.0.1"]


def test_get_access_token_legacy_email_password_carrying_api_key(cj, merchant, api_key):
    data = cj.get_access_token(email=merchant.owner.email, password=api_key).ok()

    assert data["openId"] == merchant.open_id
    token = ApiToken.objects.get()
    assert (token.api_key.key_hint, token.user) == (api_key[-4:], merchant.owner)


def test_get_access_token_refuses_an_account_password(cj, merchant):
    """Only API keys open the API: an account password would bypass two-factor login."""
    developer = make_staff(merchant=merchant, permissions=["developer"])

    message = cj.get_access_token(email=developer.email, password=PASSWORD).error(1600001)

    assert message == "Invalid email or password"
    assert ApiToken.objects.count() == 0


def test_get_access_token_legacy_password_holding_another_accounts_key_is_refused(
    cj, merchant, other_merchant
):
    _, foreign_key = services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="theirs"
    )

    message = cj.get_access_token(email=merchant.owner.email, password=foreign_key).error(1600001)

    assert message == "Invalid email or password"
    assert ApiToken.objects.count() == 0


def test_get_access_token_legacy_email_with_api_key(cj, merchant, api_key):
    data = cj.get_access_token(api_key, email=merchant.owner.email).ok()

    assert data["openId"] == merchant.open_id
    assert ApiToken.objects.get().user == merchant.owner


def test_get_access_token_email_of_non_member_with_api_key_refused(cj, merchant, api_key):
    outsider = UserFactory()

    cj.get_access_token(api_key, email=outsider.email).error(1600001)

    assert ApiToken.objects.count() == 0


def test_get_access_token_wrong_key_refused(cj, merchant, api_key):
    message = cj.get_access_token(f"{merchant.account_number}@api@{'0' * 32}").error(1600001)

    assert message == "Invalid API key"
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_ISSUED).count() == 0


def test_get_access_token_revoked_key_refused(cj, merchant, api_key):
    services.apikey_revoke(api_key=merchant.api_keys.get(), actor=merchant.owner)

    cj.get_access_token(api_key).error(1600001)

    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "apiKey is required"),
        ({"apiKey": ""}, "apiKey is required"),
        ({"email": "owner@example.test"}, "apiKey is required"),
        ({"password": "secret"}, "email is required"),
    ],
)
def test_get_access_token_missing_field_names_it(cj, merchant, body, message):
    response = cj.post("authentication/getAccessToken", body, token=None)

    assert response.error(1600300) == message
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"apiKey": 123}, "apiKey: Input should be a valid string"),
        ({"apiKey": ["a"]}, "apiKey: Input should be a valid string"),
        ({"email": "a@b.test", "password": 5}, "password: Input should be a valid string"),
        (["apiKey"], "The request body must be a JSON object"),
    ],
)
def test_get_access_token_wrong_type_names_it(cj, merchant, body, message):
    response = cj.post("authentication/getAccessToken", body, token=None)

    assert response.error(1600300) == message
    assert ApiToken.objects.count() == 0


def test_get_access_token_malformed_json(cj, merchant, api_key):
    response = cj.post(
        "authentication/getAccessToken", raw_body='{"apiKey": "' + api_key, token=None
    )

    assert response.error(16900205) == "The request body is not valid JSON"
    assert ApiToken.objects.count() == 0


def test_get_access_token_without_body(cj, merchant):
    response = cj.request("POST", "authentication/getAccessToken", token=None)

    assert response.error(16900204) == "The request body is missing"
    assert ApiToken.objects.count() == 0


def test_get_access_token_second_within_interval_rate_limited(
    cj, merchant, api_key, rate_limits_on
):
    cj.get_access_token(api_key).ok()

    refused = cj.get_access_token(api_key)

    assert refused.error(1600200) == (
        "Too many requests: getAccessToken is allowed once every 5 minutes; retry in 300 s"
    )
    assert refused.headers["Retry-After"] == "300"
    assert ApiToken.objects.count() == 1


# --- Token use ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "setting/get"), ("POST", "authentication/logout")]
)
def test_missing_token_header(cj, merchant, method, path):
    response = cj.request(method, path, token=None)

    assert response.error(1600002) == "CJ-Access-Token header is required"


def test_unknown_token_refused(cj, merchant):
    response = cj.get("setting/get", token="0" * 32)

    assert response.error(1600001) == "Invalid access token"


def test_expired_access_token_refused(cj, merchant, api_key):
    cj.get_access_token(api_key).ok()
    ApiToken.objects.update(access_expires_at=timezone.now() - timedelta(seconds=1))

    cj.get("setting/get").error(1600001)


def test_token_of_revoked_key_refused(cj, merchant, api_key):
    cj.get_access_token(api_key).ok()
    services.apikey_revoke(api_key=merchant.api_keys.get(), actor=merchant.owner)

    cj.get("setting/get").error(1600001)


# --- refreshAccessToken ---------------------------------------------------------------------


def test_refresh_rotates_access_token(cj, merchant, api_key):
    issued = cj.get_access_token(api_key).ok()

    data = cj.refresh_access_token().ok()

    assert set(data) == TOKEN_FIELDS - {"openId"}
    assert HEX32.match(data["accessToken"])
    assert data["accessToken"] != issued["accessToken"]
    assert data["refreshToken"] == issued["refreshToken"]
    assert data["refreshTokenExpiryDate"] == issued["refreshTokenExpiryDate"]
    refreshed = parse_api_datetime(data["createDate"])
    assert parse_api_datetime(data["accessTokenExpiryDate"]) - refreshed == timedelta(days=15)
    cj.get("setting/get", token=issued["accessToken"]).error(1600001)
    assert cj.get("setting/get").ok()["openId"] == merchant.open_id
    assert ApiToken.objects.count() == 1
    assert _token_events(AuditAction.TOKEN_REFRESHED) == ["127.0.0.1"]


def test_refresh_unknown_token_refused(cj, merchant):
    response = cj.refresh_access_token("f" * 32)

    assert response.error(1600003) == "Invalid refresh token"
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REFRESHED).count() == 0


def test_refresh_expired_token_refused(cj, merchant, api_key):
    issued = cj.get_access_token(api_key).ok()
    ApiToken.objects.update(refresh_expires_at=timezone.now() - timedelta(seconds=1))

    cj.refresh_access_token().error(1600003)

    token = ApiToken.objects.get()
    assert token.last_refreshed_at is None
    assert cj.get("setting/get", token=issued["accessToken"]).ok()["openId"] == merchant.open_id


def test_refresh_missing_field_names_it(cj, merchant):
    response = cj.post("authentication/refreshAccessToken", {}, token=None)

    assert response.error(1600300) == "refreshToken is required"


def test_sixth_refresh_in_a_minute_rate_limited(cj, merchant, api_key, rate_limits_on):
    cj.get_access_token(api_key).ok()
    for _ in range(5):
        cj.refresh_access_token().ok()
    access_hash = ApiToken.objects.get().access_hash

    refused = cj.refresh_access_token()

    assert refused.error(1600200) == (
        "Too many requests: refreshAccessToken is limited to 5 per minute; retry in 60 s"
    )
    assert refused.headers["Retry-After"] == "60"
    assert ApiToken.objects.get().access_hash == access_hash
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REFRESHED).count() == 5


# --- logout ---------------------------------------------------------------------------------


def test_logout_revokes_both_tokens(cj, merchant, api_key):
    cj.get_access_token(api_key).ok()

    assert cj.logout().ok() is True

    assert ApiToken.objects.get().revoked_at is not None
    cj.get("setting/get").error(1600001)
    cj.refresh_access_token().error(1600003)
    assert _token_events(AuditAction.TOKEN_REVOKED) == ["127.0.0.1"]


def test_logout_leaves_other_tokens_working(cj, client, merchant):
    developer = make_member(merchant=merchant, role="admin")
    _, first = services.apikey_create(merchant=merchant, actor=developer, name="first")
    other = CJClient(client)
    other.get_access_token(email=developer.email, password=first).ok()
    _, key = services.apikey_create(merchant=merchant, actor=merchant.owner, name="second")
    cj.get_access_token(key).ok()

    cj.logout().ok()

    assert other.get("setting/get").ok()["openId"] == merchant.open_id
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
