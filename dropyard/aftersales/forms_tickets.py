"""Ticket forms: they only parse input; ``tickets_services`` does the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.forms import BootstrapFormMixin
from dropyard.fulfillment.forms_ops import MultipleFileField, MultipleFileInput

from . import selectors
from .choices_tickets import TicketCategory, TicketPriority, TicketStatus
from .tickets_selectors import desk_staff
from .tickets_services import COMMENT_MAX, MESSAGE_MAX, NOTE_MAX, REFERENCE_MAX, SUBJECT_MAX

ACCEPT = "image/*,video/mp4,video/quicktime,video/webm,application/pdf"
ATTACH_HELP = _("Photos (at most 5 MB), videos (MP4, MOV, WebM) or PDF files (at most 10 MB).")


def _attachments() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=ATTACH_HELP,
    )


def _message(label: str = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class UploadsMixin:
    def uploads(self) -> list:
        return [f for f in self.cleaned_data.get("attachments") or () if f]  # type: ignore[attr-defined]


class TicketForm(UploadsMixin, BootstrapFormMixin, forms.Form):
    """A new ticket. The order is named by its code or number; the dispute chosen from the
    merchant's own."""

    category = forms.ChoiceField(label=_("Category"), choices=TicketCategory.choices)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    order_code = forms.CharField(
        label=_("Order"),
        max_length=64,
        required=False,
        help_text=_("The order's code (DY…) or your order number. Needed for order tickets."),
    )
    dispute = forms.ChoiceField(label=_("Dispute"), required=False)
    sourcing_reference = forms.CharField(
        label=_("Sourcing reference"),
        max_length=REFERENCE_MAX,
        required=False,
        help_text=_("A product link or the name of a sourcing request, if it is about one."),
    )
    message = _message()
    attachments = _attachments()

    def __init__(self, *args, merchant: MerchantAccount, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        disputes = selectors.disputes_for_merchant(merchant=merchant)[:100]
        self.fields["dispute"].choices = [("", _("None"))] + [
            (d.public_id, f"{d.order.code} · {d.get_reason_display()} · {d.get_status_display()}")
            for d in disputes
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("category") == TicketCategory.ORDER and not data.get("order_code"):
            self.add_error("order_code", _("Give the order this ticket is about."))
        return data


class ReplyForm(UploadsMixin, BootstrapFormMixin, forms.Form):
    message = _message(_("Your reply"))
    attachments = _attachments()


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your question handled?"),
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(BootstrapFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=desk_staff(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = desk_staff()
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.get_operator_role_display()})"
        )


class HoldForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Move to"),
        choices=[
            (TicketStatus.ON_HOLD, TicketStatus.ON_HOLD.label),
            (TicketStatus.COLLABORATING, TicketStatus.COLLABORATING.label),
            (TicketStatus.AWAITING_CJ_REPLY, _("Back to the desk")),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)
