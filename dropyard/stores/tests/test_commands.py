import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores.models import SandboxShop, Store
from dropyard.stores.sandbox.shop import shop_create, webhook_secret
from dropyard.stores.tests.factories import make_store


@pytest.mark.django_db
def test_store_keys_rotate_re_encrypts_every_store_with_the_newest_key(settings, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.DROPYARD_STORE_KEYS = [old]
    first = make_store(credentials={"access_token": "one"})
    second = make_store(credentials={"access_token": "two"})
    shop, _token, secret = shop_create(name="Sandy", currency="USD")
    settings.DROPYARD_STORE_KEYS = [new, old]

    call_command("store_keys_rotate")

    settings.DROPYARD_STORE_KEYS = [new]
    assert Store.objects.get(pk=first.pk).credentials_get() == {"access_token": "one"}
    assert Store.objects.get(pk=second.pk).credentials_get() == {"access_token": "two"}
    assert webhook_secret(SandboxShop.objects.get(pk=shop.pk)) == secret
    assert capsys.readouterr().out == "re-encrypted the credentials of 2 stores\n"
    event = AuditEvent.objects.get(action=AuditAction.STORE_KEYS_ROTATED)
    assert event.details == {"stores": 2, "sandbox_shops": 1}


@pytest.mark.django_db
def test_store_keys_rotate_changes_nothing_when_a_store_is_unreadable(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.DROPYARD_STORE_KEYS = [old]
    store = make_store()
    before = Store.objects.get(pk=store.pk).credentials_encrypted
    settings.DROPYARD_STORE_KEYS = [new]

    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("store_keys_rotate")

    assert Store.objects.get(pk=store.pk).credentials_encrypted == before
    assert not AuditEvent.objects.filter(action=AuditAction.STORE_KEYS_ROTATED).exists()
