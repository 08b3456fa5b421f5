"""Fixtures shared by the after-sales tests."""

import pytest

from dropyard.accounts.storage import private_storage
from dropyard.aftersales.models import DisputeEvidence


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    """Dispute evidence stored in this test's own private folder (the field's storage is
    built once at import, so it is swapped for one on the new root)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setattr(DisputeEvidence._meta.get_field("file"), "storage", private_storage())
