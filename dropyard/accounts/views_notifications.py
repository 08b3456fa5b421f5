"""The bell and one's notices: the dropdown's latest notices, the "See all" list, opening a
notice (marks it read, then goes to its page) and "Mark all read".

Everyone logged in has notices (merchant people, operators), so these are ``login_view`` pages
scoped to ``request.user``: another person's notice id answers 404. A notice's link is followed
only when it is a path on this site (``url_has_allowed_host_and_scheme``): never an open
redirect, whatever was stored.
"""

from collections.abc import Sequence
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from dropyard.core.access import login_view
from dropyard.core.lists import list_page

from . import notifications
from .lists import NotificationFilter, NotificationTable
from .models import Notification


def _shown(rows: Sequence[Notification]) -> None:
    """Translate each notice's title and body into the page's language (``notification_text``)."""
    for row in rows:
        row.shown_title, row.shown_body = notifications.notification_text(row)  # type: ignore[attr-defined]


def _safe_path(request: HttpRequest, url: str) -> str | None:
    """``url`` when it is a path on this site ("/…", not "//host"), else None."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return url


@login_view
def notification_list(request: HttpRequest) -> HttpResponse:
    """One's notices on the generic list: newest first or unread first, pages, phone cards."""
    select = partial(notifications.notifications_list, user=request.user)
    return list_page(
        request,
        queryset=select(),
        filterset_class=NotificationFilter,
        filter_kwargs={"select": select},
        table_class=NotificationTable,
        page_hook=_shown,
        template="accounts/notifications.html",
        export_name="notifications",
        context={
            "title": _("Notifications"),
            "noun": gettext_noop("notice"),
            "noun_plural": gettext_noop("notices"),
            "empty_template": "accounts/partials/_notifications_empty.html",
            "unread": notifications.unread_count(user=request.user),
        },
    )


@login_view
def notification_menu(request: HttpRequest) -> HttpResponse:
    """The bell's dropdown body (loaded when the dropdown opens): the latest notices."""
    rows = notifications.notifications_latest(user=request.user)
    _shown(rows)
    return render(request, "accounts/partials/_notification_menu.html", {"notices": rows})


@login_view
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one of one's notices: mark it read, then go to its page (a path on this site only;
    anything else goes to the notifications list)."""
    notice = notifications.notification_get(user=request.user, pk=pk)
    notifications.notification_mark_read(user=request.user, notification_id=notice.pk)
    target = _safe_path(request, notice.url)
    return redirect(target or "accounts:notifications")


@login_view
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark all of one's notices read, then back to ``next`` (a path on this site) or the list."""
    changed = notifications.notification_mark_read(user=request.user)
    if changed:
        messages.success(
            request,
            ngettext("%(count)s notice marked read.", "%(count)s notices marked read.", changed)
            % {"count": changed},
        )
    target = _safe_path(request, str(request.POST.get("next", "")))
    return redirect(target or "accounts:notifications")
