import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from dropyard.stores import crypto


def test_round_trip_with_the_key_derived_from_secret_key(settings):
    settings.DROPYARD_STORE_KEYS = []
    token = crypto.encrypt({"access_token": "shpat_secret"})

    assert "shpat_secret" not in token
    assert crypto.decrypt(token) == {"access_token": "shpat_secret"}
    assert Fernet(crypto.derived_key(settings.SECRET_KEY)).decrypt(token.encode()) == (
        b'{"access_token": "shpat_secret"}'
    )


def test_empty_token_is_no_credentials():
    assert crypto.decrypt("") == {}
    assert crypto.rotate("") == ""


def test_old_key_still_decrypts_and_rotate_moves_to_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.DROPYARD_STORE_KEYS = [old]
    token = crypto.encrypt({"k": "v"})
    settings.DROPYARD_STORE_KEYS = [new, old]

    rotated = crypto.rotate(token)

    assert crypto.decrypt(token) == {"k": "v"}
    assert Fernet(new.encode()).decrypt(rotated.encode()) == b'{"k": "v"}'
    settings.DROPYARD_STORE_KEYS = [new]
    assert crypto.decrypt(rotated) == {"k": "v"}
    with pytest.raises(crypto.CredentialsUnreadable):
        crypto.decrypt(token)


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.DROPYARD_STORE_KEYS = ["not-a-fernet-key"]

    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt({"k": "v"})
