"""Storage for private uploads, served only through permission-checking views."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage with no public URL: files are streamed by views that check permissions."""

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no public URL; serve them through a view")


def private_storage() -> FileSystemStorage:
    """Callable storage so migrations do not freeze a machine-specific path."""
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)
