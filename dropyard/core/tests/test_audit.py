import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from dropyard.core.audit import audit_record, client_ip
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_records_actor_merchant_target_and_ip(merchant, owner):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")

    event = audit_record(
        action=AuditAction.MERCHANT_UPDATED,
        actor=owner,
        merchant=merchant,
        target=merchant,
        details={"fields": ["niche"]},
        request=request,
    )

    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.merchant) == (owner, owner.email, merchant)
    assert (event.target_type, event.target_id, event.target_label) == (
        "accounts.MerchantAccount",
        str(merchant.pk),
        str(merchant),
    )
    assert event.details == {"fields": ["niche"]}
    assert event.ip_address == "203.0.113.7"


def test_anonymous_actor_is_stored_as_label_only():
    event = audit_record(
        action=AuditAction.LOGIN_FAILED, actor=AnonymousUser(), actor_label="who@example.test"
    )

    assert (event.actor, event.actor_label) == (None, "who@example.test")


def test_explicit_actor_label_wins_over_email(owner):
    event = audit_record(action=AuditAction.LOGIN, actor=owner, actor_label="via support")

    assert event.actor_label == "via support"


def test_long_labels_are_cut_to_the_column_size():
    event = audit_record(
        action=AuditAction.LOGIN_FAILED, actor_label="a" * 300, target_label="t" * 300
    )

    assert (len(event.actor_label), len(event.target_label)) == (254, 254)


def test_without_target_or_request_fields_are_empty():
    event = audit_record(action=AuditAction.LOGOUT)

    assert (event.target_type, event.target_id, event.target_label) == ("", "", "")
    assert (event.details, event.ip_address, event.merchant) == ({}, None, None)


def test_rolled_back_write_leaves_no_audit_row():
    def write_then_fail():
        with transaction.atomic():
            audit_record(action=AuditAction.LOGOUT)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("meta", "expected"), [({"REMOTE_ADDR": "198.51.100.1"}, "198.51.100.1"), ({}, None)]
)
def test_client_ip_reads_remote_addr(meta, expected):
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)

    assert client_ip(request) == expected


def test_client_ip_without_request_is_none():
    assert client_ip(None) is None


def test_client_ip_is_remote_addr_when_not_behind_a_proxy(settings, rf):
    settings.DROPYARD_BEHIND_PROXY = False
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_ip(request) == "10.0.0.5"


def test_client_ip_behind_proxy_takes_the_entry_the_proxy_appended(settings, rf):
    settings.DROPYARD_BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"
