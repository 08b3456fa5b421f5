"""A person's own preferences (the language of their pages)."""

from django.conf import settings
from django.utils.translation import gettext as _

from ..exceptions import AccountsError
from ..models import User


def user_language_set(*, user: User, language: str) -> User:
    """Set the language ``user`` sees the pages in: one of ``settings.LANGUAGES`` or "" for the
    site's default. A personal display setting, so it is not written to the audit log."""
    if language and language not in dict(settings.LANGUAGES):
        raise AccountsError(_("Unknown language %(language)r") % {"language": language})
    user.language = language
    user.save(update_fields=["language"])
    return user
