"""Storage for private uploads, served only through permission-checking views."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Callable storage so migrations do not freeze a machine-specific path."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
