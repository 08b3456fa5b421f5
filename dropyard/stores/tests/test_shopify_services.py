"""Shopify store services: connect (refusals write nothing), token renewal (persisted,
audited without the token), a refresh Shopify refuses (→ needs re-authorization)."""

import pytest
from django.test import override_settings

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores.adapters.base import AuthorizationLost
from dropyard.stores.adapters.shopify import auth
from dropyard.stores.choices import StoreStatus
from dropyard.stores.exceptions import StoreInvalid
from dropyard.stores.models import Store
from dropyard.stores.tasks import shopify_credentials_renew_all

pytestmark = pytest.mark.django_db


def _creds(fake):
    return auth.client_credentials(
        shop=fake.shop, client_id=fake.client_id, client_secret=fake.client_secret
    )


def test_a_bad_shop_domain_is_refused_before_any_call(merchant, fake):
    with pytest.raises(StoreInvalid) as caught:
        services.shopify_store_connect(
            merchant=merchant, actor=merchant.owner, shop="evil.example.com", credentials={}
        )

    assert caught.value.extra == {
        "errors": {"domain": "enter the shop's address ending in .myshopify.com"}
    }
    assert (Store.objects.count(), fake.requests) == (0, [])


def test_a_token_shopify_refuses_connects_nothing(merchant, fake):
    with pytest.raises(AuthorizationLost):
        services.shopify_store_connect(
            merchant=merchant,
            actor=merchant.owner,
            shop=fake.shop,
            credentials={"mode": "client_credentials", "access_token": "shpat_revoked"},
        )

    assert Store.objects.count() == 0


def test_the_same_shop_cannot_be_connected_twice(merchant, fake):
    services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=_creds(fake)
    )

    with pytest.raises(StoreInvalid, match="already connected"):
        services.shopify_store_connect(
            merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=_creds(fake)
        )


def test_a_failed_webhook_subscription_leaves_the_store_connected_with_the_error(
    merchant, fake, monkeypatch
):
    monkeypatch.setattr(
        fake,
        "_subscribe",
        lambda *a: {
            "webhookSubscription": None,
            "userErrors": [{"field": ["callbackUrl"], "message": "Address is invalid"}],
        },
    )

    store = services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=_creds(fake)
    )

    assert store.status == StoreStatus.AUTHORIZED
    assert store.last_error == (
        "webhook subscription failed: Shopify refused the webhook subscription ORDERS_CREATE: "
        "callbackUrl: Address is invalid"
    )


def test_an_expiring_token_is_renewed_persisted_and_audited_without_the_token(
    merchant, fake, clock
):
    store = services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=_creds(fake)
    )
    old = store.credentials_get()["access_token"]

    early = services.shopify_credentials_renew(store_id=store.pk)
    clock.sleep(86399 - 200)
    renewed = services.shopify_credentials_renew(store_id=store.pk)

    store.refresh_from_db()
    new = store.credentials_get()
    assert (early, renewed) == (False, True)
    assert new["access_token"] != old
    assert new["expires_at"] == int(clock() + 86399)
    event = AuditEvent.objects.get(action=AuditAction.STORE_CREDENTIALS_RENEWED)
    assert event.details == {"expires_at": new["expires_at"]}
    assert new["access_token"] not in str(AuditEvent.objects.values_list("details", flat=True))


@override_settings(DROPYARD_SHOPIFY_API_KEY="fake-client-id")
@override_settings(DROPYARD_SHOPIFY_API_SECRET="fake-client-secret")
def test_a_refresh_shopify_refuses_asks_the_merchant_to_authorize_again(merchant, fake, clock):
    creds = auth.code_exchange(shop=fake.shop, code=fake.issue_code())
    store = services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=creds
    )
    fake.refresh_tokens.clear()  # revoked
    clock.sleep(3600)

    renewed = services.shopify_credentials_renew(store_id=store.pk)

    store.refresh_from_db()
    assert renewed is False
    assert (store.status, store.status_reason) == (
        StoreStatus.REAUTHORIZE,
        "Shopify: Shopify refused the authorization (400)",
    )


def test_the_renewal_job_enqueues_every_authorized_shopify_store(merchant, fake, tasks):
    store = services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=_creds(fake)
    )
    services.sandbox_store_create(merchant=merchant, actor=merchant.owner, name="Sandy")

    count = shopify_credentials_renew_all.call()

    assert count == 1
    assert [r.kwargs for r in tasks.results if r.task.name == "shopify_credentials_renew_run"] == [
        {"store_id": store.pk}
    ]
