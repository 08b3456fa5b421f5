"""webhook/set and the callbacks in setting/get, through the full stack (contract §2.7, §4)."""

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.webhooks.models import WebhookEndpoint

SET = "webhook/set"
HOOK = "https://hooks.example.com/cj"


@pytest.fixture
def authed(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


def _enable(url: str = HOOK) -> dict:
    return {"type": "ENABLE", "callbackUrls": [url]}


def test_set_all_topics_and_read_them_back(authed, merchant):
    body = {
        "product": _enable("https://hooks.example.com/p"),
        "stock": _enable("https://hooks.example.com/s"),
        "order": _enable("https://hooks.example.com/o"),
        "logistics": {"type": "CANCEL", "callbackUrls": []},
    }
    assert authed.post(SET, body).ok() is True

    callback = authed.get("setting/get").ok()["callback"]
    assert callback == {
        "product": {"type": "ENABLE", "urls": ["https://hooks.example.com/p"]},
        "stock": {"type": "ENABLE", "urls": ["https://hooks.example.com/s"]},
        "order": {"type": "ENABLE", "urls": ["https://hooks.example.com/o"]},
        "logistics": {"type": "CANCEL", "urls": []},
    }
    assert sorted(
        WebhookEndpoint.objects.filter(merchant=merchant).values_list("topic", "enabled")
    ) == [("logistics", False), ("order", True), ("product", True), ("stock", True)]
    # Cancelling a topic that was never set changes nothing worth auditing.
    events = AuditEvent.objects.filter(action=AuditAction.WEBHOOK_CHANGED)
    assert sorted(e.details["topic"] for e in events) == ["order", "product", "stock"]


def test_cancel_turns_a_topic_off(authed, merchant):
    authed.post(SET, {"order": _enable()}).ok()
    authed.post(SET, {"order": {"type": "CANCEL", "callbackUrls": []}}).ok()

    endpoint = WebhookEndpoint.objects.get(merchant=merchant, topic="order")
    assert (endpoint.enabled, endpoint.url) == (False, HOOK)
    assert authed.get("setting/get").ok()["callback"]["order"] == {"type": "CANCEL", "urls": []}


def test_same_url_again_is_accepted(authed):
    authed.post(SET, {"order": _enable()}).ok()
    assert authed.post(SET, {"order": _enable()}).ok() is True
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"order": _enable("http://hooks.example.com/cj")}, 1607002),
        ({"order": _enable("https://localhost/cj")}, 1607001),
        ({"order": _enable("https://127.0.0.1:9000/cj")}, 1607001),
        ({"order": _enable("not a url")}, 1607000),
        ({"order": {"type": "ENABLE", "callbackUrls": []}}, 1607000),
        ({"order": {"type": "ENABLE", "callbackUrls": [HOOK, HOOK + "2"]}}, 1607000),
        ({"order": {"type": "ALL", "callbackUrls": [HOOK]}}, 1606001),
        ({"order": {"type": "", "callbackUrls": [HOOK]}}, 1606001),
        ({}, 1607000),
        ({"order": {"callbackUrls": [HOOK]}}, 1600300),
        ({"order": {"type": "ENABLE", "callbackUrls": "https://x.example"}}, 1600300),
        ({"order": "ENABLE"}, 1600300),
    ],
)
def test_validation_codes_change_nothing(authed, settings, body, code):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    authed.post(SET, body).error(code)
    assert WebhookEndpoint.objects.count() == 0


def test_one_bad_topic_rejects_the_whole_request(authed):
    body = {"order": _enable(), "stock": _enable("http://plain.example.com/")}
    authed.post(SET, body).error(1607002)
    assert WebhookEndpoint.objects.count() == 0


def test_http_localhost_only_with_the_setting(authed, settings):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    authed.post(SET, {"order": _enable("http://127.0.0.1:8123/h")}).error(1607002)

    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    authed.post(SET, {"order": _enable("http://127.0.0.1:8123/h")}).ok()
    authed.post(SET, {"stock": _enable("http://localhost:8123/h")}).ok()
    # The setting opens localhost only; other hosts still need https.
    authed.post(SET, {"product": _enable("http://hooks.example.com/h")}).error(1607002)
    assert sorted(WebhookEndpoint.objects.values_list("topic", "url")) == [
        ("order", "http://127.0.0.1:8123/h"),
        ("stock", "http://localhost:8123/h"),
    ]


def test_bad_json_and_missing_token(cj, authed):
    authed.request("POST", SET, raw_body="{not json").error(16900205)
    cj.post(SET, {"order": _enable()}, token=None).error(1600002)


def test_each_merchant_sets_only_its_own_topics(authed, merchant, other_merchant):
    authed.post(SET, {"order": _enable()}).ok()
    assert list(WebhookEndpoint.objects.values_list("merchant", flat=True)) == [merchant.pk]


# --- setting/get (served by webhooks.api) ---------------------------------------------------------


def test_setting_get_with_token(cj, merchant, api_key):
    cj.get_access_token(api_key).ok()

    data = cj.get("setting/get").ok()

    disabled = {"type": "CANCEL", "urls": []}
    assert data == {
        "openId": merchant.open_id,
        "openName": "Acme Drop Co",
        "openEmail": merchant.owner.email,
        "setting": {"quotaLimits": [], "qpsLimit": 1},
        "callback": {
            "product": disabled,
            "stock": disabled,
            "order": disabled,
            "logistics": disabled,
        },
        "root": "GENERAL",
        "isSandbox": False,
    }


def test_setting_get_reports_level_qps_and_sandbox(cj, merchant, api_key):
    type(merchant).objects.filter(pk=merchant.pk).update(level=3, is_sandbox=True)
    cj.get_access_token(api_key).ok()

    data = cj.get("setting/get").ok()

    assert (data["setting"]["qpsLimit"], data["isSandbox"]) == (4, True)
