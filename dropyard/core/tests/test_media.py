"""Public uploads are served under /media/; private uploads are not."""

import pytest

pytestmark = pytest.mark.django_db


def test_public_upload_is_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "a.txt").write_bytes(b"image bytes")

    response = client.get("/media/products/a.txt")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"image bytes"


def test_private_upload_is_not_reachable_through_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "media").mkdir()
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "licence.pdf").write_bytes(b"%PDF-secret")

    response = client.get("/media/../private/licence.pdf")

    # static.serve's safe_join refuses the traversal as a suspicious request.
    assert response.status_code == 400
    assert b"secret" not in response.content
