"""Filters and columns of the merchant's wallet transactions (the entries on its available and
frozen accounts), for the generic list (``core.lists``) on the wallet page, in front of
``reports.wallet_entries``, which keeps the scoping and the search rules.

Each page's (and each export batch's) entries carry ``references`` (``with_references``): what
the transaction concerns — "Order DY…", "Top-up TU…", the invoice it issued — with a fixed
number of queries per page."""

from collections.abc import Sequence
from typing import Any

import django_tables2 as tables
from django import forms
from django.template.loader import render_to_string
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable
from dropyard.orders.templatetags.orders_tags import money

from .choices import AccountKind, LedgerKind, choice_label
from .lists import DatedSearchForm, MoneyColumn, WhenColumn
from .models import Entry
from .references import ledger_references, reference_text


class EntryFilterForm(DatedSearchForm):
    """Search (a code: TX…, TU…, RF…, an order, an invoice; or words of the description), the
    transaction's kind, which balance, day range."""

    kind = forms.ChoiceField(required=False, label=_("Kind"))
    account_kind = forms.ChoiceField(
        required=False,
        label=_("Balance"),
        choices=[
            ("", _("Available and frozen")),
            (AccountKind.WALLET_AVAILABLE, _("Available")),
            (AccountKind.WALLET_FROZEN, _("Frozen")),
        ],
    )

    passed = ("kind", "account_kind")
    placeholder = _("Order, top-up, invoice code or description")


class EntryFilter(FormFilter):
    """``kinds``: the transaction kinds on the merchant's wallet (the kind filter's choices)."""

    class Meta:
        form = EntryFilterForm

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["kind"].choices = [
            ("", _("All kinds")),
            *[(kind, choice_label(LedgerKind, kind)) for kind in kinds],
        ]


def with_references(entries: Sequence[Entry]) -> None:
    """Give each entry its transaction's ``references`` (the list's ``page_hook``)."""
    refs = ledger_references(entry.transaction for entry in entries)
    for entry in entries:
        entry.references = refs.get(entry.transaction_id, [])  # type: ignore[attr-defined]


def _signed_class(record: Entry) -> str:
    colour = "text-danger" if record.amount_minor < 0 else "text-success"
    return f"text-end text-nowrap {colour}"


class EntryTable(ListTable):
    """The wallet's entries, newest first; the amount and the balance after it head a phone
    card. ``data-testid``s come last in the cells' attributes (tests read them)."""

    created_at = WhenColumn(accessor="transaction__created_at", verbose_name=_("Date"))
    kind = tables.Column(
        accessor="transaction__kind",
        verbose_name=_("Kind"),
        attrs={"td": {"class": "small list-title", "data-testid": "entry-kind"}},
    )
    memo = tables.Column(
        accessor="transaction__memo",
        verbose_name=_("Description"),
        orderable=False,
        default="",
        attrs={"td": {"class": "small text-break"}},
    )
    reference = tables.Column(
        accessor="pk",
        verbose_name=_("Reference"),
        orderable=False,
        attrs={"td": {"class": "small text-break", "data-testid": "entry-reference"}},
    )
    amount = tables.Column(
        accessor="amount_minor",
        verbose_name=_("Amount"),
        attrs={
            "td": {"class": _signed_class, **PRIMARY["td"], "data-testid": "entry-amount"},
            "th": {"class": "text-end"},
        },
    )
    balance = MoneyColumn(
        accessor="balance_after_minor",
        verbose_name=_("Balance after"),
        orderable=False,
        primary=True,
        td={"data-testid": "entry-balance"},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "entry-table"}
        row_attrs = {"data-testid": "entry-row"}

    def render_kind(self, record: Entry) -> str:
        if record.account.kind != AccountKind.WALLET_FROZEN:
            return record.transaction.kind_label
        badge = '{} <span class="badge text-bg-secondary">{}</span>'
        return format_html(badge, record.transaction.kind_label, _("frozen"))

    def value_kind(self, record: Entry) -> str:
        return " ".join(strip_tags(self.render_kind(record)).split())

    def render_reference(self, record: Entry) -> str:
        return render_to_string(
            "wallet/partials/_entry_references.html", {"references": record.references}
        )

    def value_reference(self, record: Entry) -> str:
        return reference_text(record.references)

    def render_amount(self, value: int, record: Entry) -> str:
        return ("+" if value > 0 else "") + money(value, record.currency)

    def value_amount(self, value: int, record: Entry) -> str:
        # No "+" in the file: a cell starting with it is quoted as a would-be formula.
        return money(value, record.currency)
