"""The Shopify connect pages: the merchant's own app (client credentials) and the public app's
OAuth round trip (state nonce in the session, callback HMAC, shop); every refusal explains
itself and stores nothing."""

import urllib.parse

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from dropyard.stores import services
from dropyard.stores.adapters.shopify import auth
from dropyard.stores.choices import Platform, StoreStatus
from dropyard.stores.models import Store
from dropyard.stores.views_shopify import SESSION_KEY

pytestmark = pytest.mark.django_db

APP = {
    "DROPYARD_SHOPIFY_API_KEY": "fake-client-id",
    "DROPYARD_SHOPIFY_API_SECRET": "fake-client-secret",
}
URL = "/stores/connect/shopify/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_the_stores_page_links_the_shopify_connect_page(owner_client):
    page = owner_client.get(reverse("stores:list")).content.decode()

    assert reverse("stores:connect_shopify") == URL
    assert f'href="{URL}"' in page


@override_settings(DROPYARD_SHOPIFY_API_KEY="", DROPYARD_SHOPIFY_API_SECRET="")
def test_without_app_credentials_the_page_explains_and_oauth_is_refused(owner_client):
    page = owner_client.get(URL).content.decode()
    refused = owner_client.post(URL, {"how": "oauth", "shop": "dropyard-test.myshopify.com"})

    assert 'data-testid="shopify-oauth-unconfigured"' in page
    assert 'data-testid="shopify-oauth-form"' not in page
    assert refused.status_code == 400
    assert "This Dropyard has no Shopify app configured" in refused.content.decode()


def test_own_app_connects_with_client_credentials(owner_client, merchant, fake):
    response = owner_client.post(
        URL,
        {
            "how": "own_app",
            "shop": "https://Dropyard-Test.myshopify.com/",
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
        },
    )

    store = Store.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response["Location"] == reverse("stores:detail", args=[store.public_id])
    assert (store.platform, store.domain, store.status) == (
        Platform.SHOPIFY,
        "dropyard-test.myshopify.com",
        StoreStatus.AUTHORIZED,
    )
    page = owner_client.get(response["Location"]).content.decode()
    assert fake.client_secret not in page
    assert store.credentials_get()["access_token"] not in page


def test_own_app_with_a_wrong_secret_says_so_and_stores_nothing(owner_client, fake):
    response = owner_client.post(
        URL,
        {"how": "own_app", "shop": fake.shop, "client_id": fake.client_id, "client_secret": "no"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Shopify refused the authorization. Check the shop and the app&#x27;s credentials." in html
    )
    assert 'value="no"' not in html
    assert Store.objects.count() == 0


@pytest.mark.parametrize("shop", ["example.com", "shop.myshopify.com.evil.com", ""])
def test_a_bad_shop_domain_is_refused_on_both_forms(owner_client, fake, shop):
    with override_settings(**APP):
        oauth = owner_client.post(URL, {"how": "oauth", "shop": shop})
    own = owner_client.post(
        URL, {"how": "own_app", "shop": shop, "client_id": "x", "client_secret": "y"}
    )

    assert (oauth.status_code, own.status_code) == (400, 400)
    message = (
        "Enter the shop&#x27;s address ending in .myshopify.com"
        if shop
        else "This field is required."
    )
    assert message in oauth.content.decode()
    assert message in own.content.decode()
    assert (Store.objects.count(), fake.requests) == (0, [])


def _start(owner_client) -> dict:
    with override_settings(**APP):
        response = owner_client.post(URL, {"how": "oauth", "shop": "Dropyard-Test.myshopify.com"})
    assert response.status_code == 302
    base, query = response["Location"].split("?")
    assert base == "https://dropyard-test.myshopify.com/admin/oauth/authorize"
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))


def _callback(fake, state: str, **changes) -> dict:
    params = {
        "code": fake.issue_code(),
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZHJvcHlhcmQtdGVzdA",
        "shop": fake.shop,
        "state": state,
        "timestamp": str(int(auth.CLOCK())),  # the fake clock, as the check uses
    }
    params.update(changes)
    return {**params, "hmac": auth.callback_hmac(params, APP["DROPYARD_SHOPIFY_API_SECRET"])}


@override_settings(**APP)
def test_the_oauth_round_trip_connects_the_store(owner_client, merchant, fake):
    query = _start(owner_client)
    state = owner_client.session[SESSION_KEY]["state"]

    response = owner_client.get(reverse("stores:shopify_callback"), _callback(fake, state))

    store = Store.objects.get(merchant=merchant)
    assert query["state"] == state
    assert query["client_id"] == "fake-client-id"
    assert query["redirect_uri"] == f"{settings.SITE_URL}/stores/connect/shopify/callback/"
    assert query["grant_options[]"] == ""
    assert response.status_code == 302
    assert store.credentials_get()["mode"] == "oauth"
    assert store.credentials_get()["refresh_token"].startswith("shprt_")
    assert SESSION_KEY not in owner_client.session  # the nonce is used up


@override_settings(**APP)
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "forged"}, "does not match the one started here (state)"),
        ({"hmac": "0" * 64}, "Shopify&#x27;s signature on this authorization is invalid"),
        ({"shop": "other-shop.myshopify.com"}, "for another shop than the one you entered"),
        ({"shop": "evil.example.com"}, "is not a myshopify.com shop"),
        ({"timestamp": "1000"}, "Shopify&#x27;s signature on this authorization is invalid"),
    ],
)
def test_a_callback_that_cannot_be_trusted_is_refused_and_stores_nothing(
    owner_client, fake, change, message
):
    _start(owner_client)
    state = owner_client.session[SESSION_KEY]["state"]
    params = _callback(
        fake,
        change.get("state", state),
        **{k: v for k, v in change.items() if k not in ("state", "hmac")},
    )
    if "hmac" in change:
        params["hmac"] = change["hmac"]

    response = owner_client.get(reverse("stores:shopify_callback"), params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Store.objects.count() == 0
    assert fake.requests == []


@override_settings(**APP)
def test_a_callback_without_a_started_authorization_or_replayed_is_refused(owner_client, fake):
    _start(owner_client)
    params = _callback(fake, owner_client.session[SESSION_KEY]["state"])
    owner_client.get(reverse("stores:shopify_callback"), params)
    Store.objects.all().delete()

    replay = owner_client.get(reverse("stores:shopify_callback"), params)

    assert replay.status_code == 400
    assert "was not started here or has expired" in replay.content.decode()
    assert Store.objects.count() == 0


def test_a_store_needing_re_authorization_links_the_connect_page(owner_client, merchant, fake):
    store = services.shopify_store_connect_own_app(
        merchant=merchant,
        actor=merchant.owner,
        shop=fake.shop,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
    )
    services.store_reauthorize_needed(store=store, reason="the app was uninstalled from the store")

    page = owner_client.get(reverse("stores:detail", args=[store.public_id])).content.decode()

    assert 'data-testid="store-reauthorize"' in page
    assert f'href="{URL}">Connect dropyard-test.myshopify.com again</a>' in page
