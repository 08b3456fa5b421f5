"""Fixtures for the supplier application tests (services, applicant views, back office)."""

from pathlib import Path

import pytest

from dropyard.accounts.models import SupplierApplication
from dropyard.accounts.storage import private_storage
from dropyard.accounts.tests.factories import UserFactory


@pytest.fixture
def private_root(settings, tmp_path, monkeypatch) -> Path:
    """Fresh private and public media roots; the document fields use the real private storage."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    for name in ("business_licence", "legal_rep_id"):
        monkeypatch.setattr(SupplierApplication._meta.get_field(name), "storage", private_storage())
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def applicant(db):
    return UserFactory(email="factory@example.test")
