"""The operator dispute desk's forms: the list's filters and the detail page's actions.

Forms only parse input (amounts in the currency's units, a reason, a note); the services
decide (``services``, ``outcomes``). Each action form has its own prefix, so that the detail
page can hold all of them at once without clashing ids.
"""

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.models import User
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.lists import SelectFilterSet
from dropyard.inventory.models import Warehouse

from . import outcomes, selectors, services
from .choices import DisputeReason, DisputeStatus, ReturnCharge
from .models import Dispute

STATUS_CHOICES = [
    (selectors.DESK_OPEN, _("Open (not decided)")),
    (selectors.DESK_ALL, _("Any status")),
    *DisputeStatus.choices,
]
ASSIGNEE_CHOICES = [
    ("", _("Anyone")),
    (selectors.DESK_MINE, _("Assigned to me")),
    (selectors.DESK_UNASSIGNED, _("Unassigned")),
]


class DisputeDeskFilter(SelectFilterSet):
    """Status (open by default, also without any query), assignee, overdue only, reason and a
    merchant / order search, handed to ``selectors.disputes_desk`` (which keeps the scope)."""

    q = django_filters.CharFilter(label=_("Merchant or order"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=None
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assignee"), choices=ASSIGNEE_CHOICES, empty_label=None
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), choices=DisputeReason.choices, empty_label=_("Any reason")
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), widget=forms.CheckboxInput)

    class Meta(SelectFilterSet.Meta):
        model = Dispute
        fields = ["q", "status", "assignee", "reason", "overdue"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Bound even without a query: the desk opens on the open disputes (the status's first
        # choice), and an empty query string is the same page as no query at all.
        super().__init__({} if data is None else data, *args, **kwargs)
        self.search_box(_("Name, account number, order code"))

    def selection(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "status": data.get("status") or selectors.DESK_OPEN,
            "assignee": data.get("assignee") or "",
            "overdue": bool(data.get("overdue")),
            "reason": int(data["reason"]) if data.get("reason") else None,
            "search": data.get("q") or "",
        }


# --- Detail page actions -------------------------------------------------------------------------

NOTE_HELP = _("Shown to the merchant with the decision.")


class MessageForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message to the merchant"),
        max_length=services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceRequestForm(BootstrapFormMixin, forms.Form):
    message = forms.CharField(
        label=_("What is missing"),
        max_length=services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The merchant sees this and the dispute waits for their answer."),
    )


class AssignForm(BootstrapFormMixin, forms.Form):
    """An operator who can see the dispute, or nobody."""

    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = selectors.dispute_assignees(dispute=dispute)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: (  # type: ignore[attr-defined]
            f"{user.email} ({user.get_operator_role_display()})"
        )
        if dispute.assigned_to_id:
            self.initial.setdefault("assignee", dispute.assigned_to_id)


class RefundDecisionForm(BootstrapFormMixin, forms.Form):
    """The refund in the currency's units (prefilled with what the merchant asked)."""

    amount = forms.DecimalField(
        label=_("Refund amount"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=outcomes.NOTE_MAX, help_text=NOTE_HELP
    )


class ResendDecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=outcomes.NOTE_MAX, help_text=NOTE_HELP
    )


class ReturnDecisionForm(BootstrapFormMixin, forms.Form):
    """Accept a return, to one of the warehouses that accept returns (when warehouses say)."""

    warehouse = forms.ModelChoiceField(
        label=_("Return to warehouse"), queryset=Warehouse.objects.none()
    )
    charge = forms.ChoiceField(
        label=_("Return shipping"),
        choices=ReturnCharge.choices,
        initial=ReturnCharge.BILL,
        help_text=_("The merchant pays the return shipping: billed now, or taken off the refund."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=outcomes.NOTE_MAX, help_text=NOTE_HELP
    )

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses  # type: ignore[attr-defined]


class RejectDecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=outcomes.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )
