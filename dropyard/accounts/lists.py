"""Filters and columns of the back-office account lists, for the generic list (``core.lists``)."""

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import (
    PRIMARY,
    ActionColumn,
    ListFilterSet,
    ListTable,
    SelectFilterSet,
    local_time,
)

from . import selectors
from .choices import Area, MemberRole
from .models import MerchantAccount, Notification, SupplierApplication, User

BADGE = '<span class="badge {}">{}</span>'


class MerchantTable(ListTable):
    """Operator merchant list: business (the card's title), account, owner, members, level,
    agent. Rows come from ``selectors.merchant_list`` (``member_count``, ``owner_email``)."""

    business_name = tables.Column(
        verbose_name=_("Business"),
        order_by=("business_name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    account_number = tables.Column(
        verbose_name=_("Account number"), attrs={"td": {"class": "text-nowrap font-monospace"}}
    )
    owner_email = tables.Column(verbose_name=_("Owner email"), orderable=False, default="—")
    member_count = tables.Column(
        verbose_name=_("Members"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    level = tables.Column(verbose_name=_("Level"), attrs={"td": {"class": "text-nowrap"}})
    agent = tables.Column(verbose_name=_("Agent"), orderable=False, default="—")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "merchant-table"}

    def render_business_name(self, value: str, record: MerchantAccount) -> str:
        sandbox = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', _("Sandbox"))
            if record.is_sandbox
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("accounts_ops:merchant_detail", args=[record.pk]),
            value,
            sandbox,
        )

    def render_agent(self, value) -> str:
        return value.display_name


class SupplierApplicationTable(ListTable):
    """Operator supplier applications: company (the card's title), applicant, country, dates;
    the status first on a phone card."""

    company_name = tables.Column(verbose_name=_("Company"), attrs={"td": {"class": "list-title"}})
    applicant = tables.Column(accessor="applicant__email", verbose_name=_("Applicant"))
    country = tables.Column(verbose_name=_("Country"))
    created_at = tables.DateTimeColumn(
        verbose_name=_("Submitted"), format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.TemplateColumn(
        template_code=(
            '{% include "accounts/ops/partials/_application_status.html" with application=record %}'
        ),
        verbose_name=_("Status"),
        attrs=PRIMARY,
    )
    reviewed_at = tables.Column(
        verbose_name=_("Reviewed"), default="—", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "supplier-table"}

    def render_company_name(self, value: str, record: SupplierApplication) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts_ops:supplier_detail", args=[record.pk]), value
        )

    def render_reviewed_at(self, value, record: SupplierApplication) -> str:
        day = date_format(timezone.localtime(value), "Y-m-d")
        return f"{day} · {record.reviewed_by.email}" if record.reviewed_by else day


STAFF_STATUSES = (
    (selectors.STAFF_ACTIVE, gettext_lazy("Active")),
    (selectors.STAFF_NO_PASSWORD, gettext_lazy("Password not set")),
    (selectors.STAFF_INACTIVE, gettext_lazy("Inactive")),
)


class StaffFilter(ListFilterSet):
    """Search (email or name) and status, in front of ``selectors.operator_list``; the role is
    the page's tab (``role``)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=STAFF_STATUSES, empty_label=gettext_lazy("Any status")
    )

    def __init__(self, *args: Any, role: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.form.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Email or name")}
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        return selectors.operator_list(
            role=self.role or None,
            search=(data.get("q") or "").strip(),
            status=data.get("status") or "",
        )


class StaffTable(ListTable):
    """Operator staff: the email heads a phone card (yours marked), the status and the Change…
    button first. Nobody is offered to change their own role (``request.user``)."""

    email = tables.Column(verbose_name=gettext_lazy("Email"), attrs={"td": {"class": "list-title"}})
    full_name = tables.Column(verbose_name=gettext_lazy("Name"), default="—")
    operator_role = tables.Column(verbose_name=gettext_lazy("Role"))
    status = tables.Column(
        accessor="is_active",
        verbose_name=gettext_lazy("Status"),
        orderable=False,
        attrs=PRIMARY,
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "staff-table"}
        row_attrs = {"data-testid": "staff-row"}

    def _is_self(self, record: User) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.user.pk == record.pk

    def render_email(self, value: str, record: User) -> str:
        if self._is_self(record):
            return format_html('{} <span class="badge text-bg-info">{}</span>', value, _("you"))
        return value

    def value_email(self, value: str) -> str:
        return value

    def render_status(self, record: User) -> str:
        if not record.is_active:
            return format_html(BADGE, "text-bg-secondary", _("Inactive"))
        if not record.has_usable_password():
            return format_html(BADGE, "text-bg-warning", _("Password not set"))
        return format_html(BADGE, "text-bg-success", _("Active"))

    def value_status(self, record: User) -> str:
        if not record.is_active:
            return "Inactive"
        return "Active" if record.has_usable_password() else "Password not set"

    def render_action(self, record: User) -> str:
        if self._is_self(record):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("accounts_ops:staff_edit", args=[record.pk]),
            _("Change…"),
        )


# --- The merchant's settings: team members, invitations, API keys, tokens ---------------------
# Small tables on a settings page (core.lists.table_page), several on one page: each has its own
# ``prefix`` for its sort and page parameters (the invitations' ?ipage=, the tokens' ?tpage=).

PILL = '<span class="badge rounded-pill text-bg-light border me-1">{}</span>'
WHEN = "Y-m-d H:i"
NOWRAP = {"td": {"class": "text-nowrap"}}


def _pills(labels: list[str]) -> str:
    if not labels:
        return format_html('<span class="text-secondary small">{}</span>', _("None"))
    return format_html_join("", PILL, ((label,) for label in labels))


def _button(url: str, label: str, confirm: str, swap: str = "delete") -> str:
    """A row's danger button: a link to the confirmation page, or with htmx a POST that asks
    in the browser first and then swaps the row (``swap``)."""
    return format_html(
        '<a class="btn btn-sm btn-outline-danger" href="{url}" hx-post="{url}" hx-confirm="{}" '
        'hx-target="closest tr" hx-swap="{}">{}</a>',
        confirm,
        swap,
        label,
        url=url,
    )


def area_labels(role: str, permissions: list[str]) -> list[str]:
    """What a member (or an invitation) may open, as the member tables show it: "All areas"
    for the owner and admins, else the labels of ``permissions``."""
    if role in (MemberRole.OWNER, MemberRole.ADMIN):
        return [gettext("All areas")]
    return [label for value, label in Area.choices if value in permissions]


class MemberTable(ListTable):
    """A merchant's members, oldest first: the email heads a phone card, the buttons first.
    The view attaches ``area_labels`` and ``can_change`` to the page's records."""

    name = tables.Column(accessor="user__full_name", verbose_name=gettext_lazy("Name"), default="—")
    email = tables.Column(
        accessor="user__email",
        verbose_name=gettext_lazy("Email"),
        attrs={"td": {"class": "list-title"}},
    )
    role = tables.Column(verbose_name=gettext_lazy("Role"), attrs=NOWRAP)
    areas = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("Permission areas"), orderable=False
    )
    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Joined"), format="Y-m-d", attrs=NOWRAP
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "member-table"}
        row_attrs = {"id": lambda record: f"member-{record.pk}", "data-testid": "member-row"}

    def render_role(self, record) -> str:
        if record.role != "owner":
            return record.get_role_display()
        return format_html(
            '{} <span class="badge text-bg-secondary" title="{}">{}</span>',
            record.get_role_display(),
            _("The owner cannot be edited or removed"),
            _("Protected"),
        )

    def value_role(self, record) -> str:
        return record.get_role_display()

    def render_areas(self, record) -> str:
        stores = (
            format_html(
                '<div class="small text-secondary">{} {}</div>',
                _("Stores"),
                ", ".join(str(i) for i in record.store_ids),
            )
            if record.store_ids
            else ""
        )
        return format_html("{}{}", _pills(record.area_labels), stores)

    def render_action(self, record) -> str:
        if not getattr(record, "can_change", False):
            return ""
        edit = reverse("accounts:member_edit", args=[record.pk])
        remove = reverse("accounts:member_remove", args=[record.pk])
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{edit}" hx-get="{edit}" '
            'hx-target="closest tr" hx-swap="outerHTML">{}</a> {}',
            _("Edit"),
            _button(
                remove,
                _("Remove"),
                _("Remove %(email)s from this account? They lose access at once.")
                % {"email": record.user.email},
            ),
            edit=edit,
        )


class InvitationTable(ListTable):
    """A merchant's pending invitations, newest first (``prefix`` "i")."""

    email = tables.Column(verbose_name=gettext_lazy("Email"), attrs={"td": {"class": "list-title"}})
    role = tables.Column(verbose_name=gettext_lazy("Role"))
    areas = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("Permission areas"), orderable=False
    )
    invited_by = tables.Column(
        verbose_name=gettext_lazy("Invited by"), orderable=False, default="—"
    )
    expires_at = tables.Column(
        verbose_name=gettext_lazy("Expires"),
        attrs=NOWRAP,
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "invitation-table"}
        row_attrs = {
            "id": lambda record: f"invitation-{record.pk}",
            "data-testid": "invitation-row",
        }

    def render_areas(self, record) -> str:
        return _pills(record.area_labels)

    def render_invited_by(self, value: User) -> str:
        return value.display_name

    def render_expires_at(self, value, record) -> str:
        if record.is_expired:
            return format_html('<span class="badge text-bg-warning">{}</span>', _("Expired"))
        return date_format(timezone.localtime(value), WHEN)

    def render_action(self, record) -> str:
        return _button(
            reverse("accounts:invitation_revoke", args=[record.pk]),
            _("Revoke"),
            _("Revoke the invitation sent to %(email)s?") % {"email": record.email},
        )


class ApiKeyTable(ListTable):
    """A merchant's API keys, newest first. Only the key's last characters (``key_hint``) ever
    show or export: the key itself is shown once, when it is created."""

    name = tables.Column(verbose_name=gettext_lazy("Name"), attrs={"td": {"class": "list-title"}})
    key_hint = tables.Column(
        verbose_name=gettext_lazy("Key"),
        orderable=False,
        attrs={"td": {"class": "font-monospace text-nowrap"}},
    )
    scopes = tables.Column(
        verbose_name=gettext_lazy("Scopes"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"data-testid": "apikey-scopes-cell"}},
    )
    created_by = tables.Column(
        verbose_name=gettext_lazy("Created by"), orderable=False, default="—"
    )
    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Created"), format=WHEN, attrs=NOWRAP
    )
    last_used_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Last used"),
        format=WHEN,
        default=gettext_lazy("Never"),
        attrs=NOWRAP,
    )
    status = tables.Column(
        accessor="revoked_at",
        verbose_name=gettext_lazy("Status"),
        empty_values=(),
        attrs=PRIMARY,
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "apikey-table"}
        row_attrs = {"id": lambda record: f"apikey-{record.pk}", "data-testid": "apikey-row"}

    def render_key_hint(self, value: str) -> str:
        return f"…{value}"

    def render_scopes(self, record) -> str:
        if record.has_every_scope:
            return format_html(
                '<span class="badge text-bg-primary" title="{}">{}</span>',
                ", ".join(str(label) for label in record.scope_labels),
                _("Full access"),
            )
        if not record.scope_labels:
            return format_html('<span class="text-secondary">{}</span>', _("None"))
        return format_html_join(
            " ",
            '<span class="badge text-bg-light border">{}</span>',
            ((label,) for label in record.scope_labels),
        )

    def value_scopes(self, record) -> str:
        return "; ".join(str(label) for label in record.scope_labels)

    def render_created_by(self, value: User) -> str:
        return value.display_name

    def render_status(self, record) -> str:
        if record.is_active:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Active"))
        when = date_format(timezone.localtime(record.revoked_at), WHEN)
        title = (
            _("Revoked %(when)s by %(email)s") % {"when": when, "email": record.revoked_by.email}
            if record.revoked_by
            else _("Revoked %(when)s") % {"when": when}
        )
        return format_html(
            '<span class="badge text-bg-secondary" title="{}">{}</span>', title, _("Revoked")
        )

    def value_status(self, record) -> str:
        return "Active" if record.is_active else "Revoked"

    def render_action(self, record) -> str:
        if not record.is_active:
            return ""
        return _button(
            reverse("accounts:apikey_revoke", args=[record.pk]),
            _("Revoke"),
            _(
                "Revoke the key “%(name)s”? Programs using it stop working, and its access "
                "tokens are revoked too."
            )
            % {"name": record.name},
            swap="outerHTML",
        )


class TokenTable(ListTable):
    """A merchant's live access tokens, newest first (``prefix`` "t"): never the token itself,
    only when it was made, when it expires, and from which key (its last characters)."""

    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Created"),
        format=WHEN,
        attrs={"td": {"class": "list-title text-nowrap"}},
    )
    access_expires_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Access expires"), format=WHEN, attrs=NOWRAP
    )
    refresh_expires_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Refresh expires"), format=WHEN, attrs=NOWRAP
    )
    via = tables.Column(accessor="pk", verbose_name=gettext_lazy("Via"), orderable=False)
    last_used_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Last used"),
        format=WHEN,
        default=gettext_lazy("Never"),
        attrs=NOWRAP,
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "token-table"}
        row_attrs = {"id": lambda record: f"token-{record.pk}", "data-testid": "token-row"}

    def render_via(self, record) -> str:
        if record.api_key_id:
            return format_html(
                '{} {} <span class="font-monospace">…{}</span>',
                _("key"),
                record.api_key.name,
                record.api_key.key_hint,
            )
        if record.user_id:
            return format_html("{} ({})", record.user.email, _("password"))
        return "—"

    def render_action(self, record) -> str:
        return _button(
            reverse("accounts:token_revoke", args=[record.pk]),
            _("Revoke"),
            _("Revoke this access token? A program using it must request a new one."),
        )


# --- Notifications (the bell's "See all") ------------------------------------------------------

NOTIFICATION_ORDERS = (
    ("newest", gettext_lazy("Newest first")),
    ("unread", gettext_lazy("Unread first")),
)


class NotificationFilter(SelectFilterSet):
    """Newest first (default) or unread first, in front of ``notifications.notifications_list``
    bound to the person (``select``): there is no other scope than one's own notices."""

    order = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort"), choices=NOTIFICATION_ORDERS, empty_label=None
    )

    def selection(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"unread_first": data.get("order") == "unread"}


class NotificationTable(ListTable):
    """One's notices: the translated title (bold while unread) heads a phone card and opens the
    notice (``accounts:notification_open`` marks it read); when, and read or not. The rows
    carry ``shown_title`` / ``shown_body`` (``notification_text``, set by the view's hook)."""

    title = tables.Column(
        accessor="pk",
        verbose_name=_("Notice"),
        orderable=False,
        attrs={"td": {"class": "list-title"}},
    )
    created_at = tables.Column(verbose_name=_("When"), orderable=False)
    state = tables.Column(
        accessor="read_at",
        verbose_name=_("Status"),
        orderable=False,
        empty_values=(),  # unread (no read_at) is a state to show, not an empty cell
        attrs=PRIMARY,
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "notification-table"}
        row_attrs = {"data-testid": "notification-row"}

    def render_title(self, record: Notification) -> str:
        url = reverse("accounts:notification_open", kwargs={"pk": record.pk})
        weight = "" if record.read_at else " fw-semibold"
        body = getattr(record, "shown_body", "")
        return format_html(
            '<a class="text-reset{}" href="{}">{}</a>{}',
            weight,
            url,
            getattr(record, "shown_title", record.title),
            format_html('<div class="small text-secondary text-break">{}</div>', body)
            if body
            else "",
        )

    def value_title(self, record: Notification) -> str:
        return str(getattr(record, "shown_title", record.title))

    def render_created_at(self, value: Any) -> str:
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), local_time(value))

    def render_state(self, value: Any) -> str:
        if value:
            return format_html(BADGE, "text-bg-light", _("Read"))
        return format_html(BADGE, "text-bg-primary", _("Unread"))
