"""In-app notices (the bell) and their emails: the one write path is ``notify``.

A notice names its reader (a user), optionally the merchant account it concerns, and a link.
Its text is an English message id with ``%(name)s`` placeholders; it is translated when shown
(``notification_text``) and the email is rendered in the reader's language. Emails go out
only once the caller's transaction commits; a rolled-back change notifies nobody.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from dropyard.core.mail import branded_mail_on_commit, public_url

from .exceptions import NotificationNotFound
from .models import MerchantAccount, Notification, User

TITLE_MAX = 200
BODY_MAX = 500


def _english(value: Any) -> Any:
    """Lazy labels in params are stored in English (and translated again when shown)."""
    if isinstance(value, Promise):
        with translation.override("en"):
            return str(value)
    return value


def _fill(message_id: str, params: Mapping[str, Any]) -> str:
    text = _(message_id) if message_id else ""
    shown = {k: _(v) if isinstance(v, str) and v else v for k, v in params.items()}
    try:
        return text % shown if params else text
    except (KeyError, TypeError, ValueError):
        return text  # a translation that dropped a placeholder still shows something


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.SITE_URL.rstrip("/") + url
    return public_url(url) if url else ""


def notification_text(notification: Notification) -> tuple[str, str]:
    """(title, body) in the active language, placeholders filled."""
    params = notification.params or {}
    return _fill(notification.title, params), _fill(notification.body, params)


@transaction.atomic
def notify(
    *,
    users: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    params: Mapping[str, Any] | None = None,
    url: str = "",
    merchant: MerchantAccount | None = None,
    email: bool = True,
    exclude: User | None = None,
) -> list[Notification]:
    """One notice per distinct active user in ``users`` (None and ``exclude`` skipped: the
    person who acted is not told about their own act), and an email to each when ``email``.
    ``title``/``body`` are message ids marked with ``gettext_noop``."""
    params = {key: _english(value) for key, value in (params or {}).items()}
    seen: set[int] = set()
    readers: list[User] = []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        readers.append(user)
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            merchant=merchant,
            kind=kind,
            title=title[:TITLE_MAX],
            body=body[:BODY_MAX],
            params=params,
            url=url,
        )
        for user in readers
    )
    if email:
        for user, row in zip(readers, rows, strict=True):
            if not user.email:
                continue
            with translation.override(user.language or None):
                subject, text = notification_text(row)
                branded_mail_on_commit(
                    subject=subject,
                    text=text or subject,
                    to=[user.email],
                    action_url=_absolute(url),
                    action_label=_("Open") if url else "",
                    language=user.language or settings.LANGUAGE_CODE,
                )
    return rows


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The person's own notices, newest first (the only scope there is: one's own)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the person's notices (or all) read; returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


MENU_SIZE = 8


def notifications_latest(*, user: User, limit: int = MENU_SIZE) -> list[Notification]:
    """The bell's dropdown: the person's ``limit`` newest notices (one indexed query)."""
    return list(notifications_for(user=user)[:limit])


def notifications_list(*, user: User, unread_first: bool = False) -> QuerySet[Notification]:
    """The notifications page: one's own notices, newest first, or unread ones first."""
    rows = notifications_for(user=user)
    if unread_first:
        # NULL read_at (unread) before the read ones, on SQLite and PostgreSQL alike.
        rows = rows.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    return rows


def notification_get(*, user: User, pk: Any) -> Notification:
    """One of the person's own notices (``NotificationNotFound`` for anyone else's or a bad id)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        key = 0
    in_range = 0 < key < 2**63  # a bigger number is no id (and overflows PostgreSQL's bigint)
    found = Notification.objects.filter(user=user, pk=key).first() if in_range else None
    if found is None:
        raise NotificationNotFound(_("notification not found"))
    return found
