"""Forms of the merchant's dispute pages: opening a dispute on an order (lines and
quantities, reason, expected outcome, refund destination, message; photos and videos on the
review step) and replying in a dispute's thread. Forms only parse; ``services`` decide
(``dispute_create``, ``dispute_message_post``) and ``evidence.check_upload`` judges files.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapValidationFormMixin

from . import evidence
from .choices import DisputeReason, ExpectType, RefundType
from .claims import LineRoom
from .services import MESSAGE_MAX, ClaimLine

QUERY_LINES_MAX = 50  # "lines" pairs read from a prefill link; more are ignored

EXPECT_HELP = {
    ExpectType.REFUND: _("Money back for the claimed items and their share of the freight."),
    ExpectType.RESEND: _("We ship the claimed items again at no cost; no money changes hands."),
    ExpectType.RETURN: _(
        "Your customer sends the items back to our warehouse; the refund follows the inspection."
    ),
}
EVIDENCE_HELP = _(
    "Photos (JPEG, PNG, WebP) or videos (MP4, MOV, WebM); at most %(count)s files. Show the "
    "damage, the wrong item next to its label, or the open parcel."
) % {"count": evidence.MAX_FILES}


class EvidenceInput(forms.ClearableFileInput):
    """A file input that takes several files (``request.FILES.getlist``)."""

    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files under one name, as they came: ``evidence.check_upload`` judges them when
    the service stores them (type by content, size), so a refusal names the file."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [item for item in files if item]


def evidence_field() -> EvidenceField:
    return EvidenceField(
        label=_("Photos or videos"),
        required=False,
        help_text=EVIDENCE_HELP,
        widget=EvidenceInput(attrs={"accept": "image/*,video/mp4,video/quicktime,video/webm"}),
    )


def qty_name(line_item_id: str) -> str:
    return f"qty_{line_item_id}"


class DisputeOpenForm(BootstrapValidationFormMixin, forms.Form):
    """Open a dispute on some lines of one order.

    One ``qty_<line_item_id>`` field per line (0 = not claimed, at most what is left to claim);
    ``expect`` offers only ``expect_options`` (what the order allows), and a return only with a
    goods reason (checked once the reason is known).
    """

    reason = forms.TypedChoiceField(
        label=_("Reason"),
        coerce=int,
        choices=[("", _("Choose a reason")), *DisputeReason.choices],
    )
    expect = forms.TypedChoiceField(
        label=_("What do you expect?"), coerce=int, widget=forms.RadioSelect
    )
    refund_type = forms.TypedChoiceField(
        label=_("Refund to"),
        coerce=int,
        choices=RefundType.choices,
        initial=RefundType.BALANCE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Card refunds take 5–10 business days to show on the statement."),
    )
    message = forms.CharField(
        label=_("Describe the problem"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your customer reported, and what you checked."),
    )
    evidence = evidence_field()

    def __init__(
        self,
        *args: Any,
        rooms: Sequence[LineRoom],
        expect_options: Sequence[int],
        goods_reasons: Sequence[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rooms = list(rooms)
        self.goods_reasons = tuple(goods_reasons)
        self.fields["expect"].choices = [
            (value, ExpectType(value).label) for value in expect_options
        ]
        if len(expect_options) == 1:
            self.fields["expect"].initial = expect_options[0]
        for room in self.rooms:
            self.fields[qty_name(room.line.line_item_id)] = forms.IntegerField(
                label=_("Quantity to claim"),
                min_value=0,
                max_value=room.room,
                initial=0,
                required=False,
                error_messages={
                    "max_value": _("At most %(limit_value)s left to claim for this line."),
                    "min_value": _("The quantity cannot be negative."),
                },
                widget=forms.NumberInput(attrs={"class": "form-control dispute-qty"}),
            )

    def line_rows(self) -> list[dict[str, Any]]:
        """Each line with its quantity field, for the lines table."""
        return [
            {"room": room, "line": room.line, "field": self[qty_name(room.line.line_item_id)]}
            for room in self.rooms
        ]

    def expect_rows(self) -> list[dict[str, Any]]:
        """The expected outcomes offered, each with what it means."""
        return [
            {"choice": choice, "help": EXPECT_HELP.get(int(choice.data["value"]), "")}
            for choice in self["expect"]
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.claim_lines():
            raise forms.ValidationError(_("Claim at least one item: set its quantity above 0."))
        reason, expect = data.get("reason"), data.get("expect")
        if expect == ExpectType.RETURN and reason and reason not in self.goods_reasons:
            self.add_error(
                "expect",
                _(
                    "A return is only for damaged, wrong or missing products: choose another "
                    "outcome or reason."
                ),
            )
        if not data.get("refund_type"):
            data["refund_type"] = RefundType.BALANCE
        return data

    def claim_lines(self) -> list[ClaimLine]:
        """The lines claimed (quantity above 0), in the order's line order."""
        out = []
        for room in self.rooms:
            quantity = self.cleaned_data.get(qty_name(room.line.line_item_id)) or 0
            if quantity > 0:
                out.append(ClaimLine(room.line.line_item_id, quantity))
        return out

    def refund_applies(self) -> bool:
        return self.cleaned_data.get("expect") in (ExpectType.REFUND, ExpectType.RETURN)


def initial_from_query(query: Mapping[str, str], rooms: Sequence[LineRoom]) -> dict[str, Any]:
    """Prefill from a link (the tracking suggestions): ``reason``, ``expect``, ``message`` and
    ``lines=<line_item_id>:<qty>,…``. Anything malformed or unknown is ignored; quantities are
    capped at what is left to claim."""
    initial: dict[str, Any] = {}
    for name, choices in (("reason", DisputeReason), ("expect", ExpectType)):
        raw = str(query.get(name, "")).strip()
        if raw.isdigit() and int(raw) in choices.values:
            initial[name] = int(raw)
    message = str(query.get("message", ""))
    if message and "\x00" not in message:
        initial["message"] = message[:MESSAGE_MAX]
    left = {room.line.line_item_id: room.room for room in rooms}
    for pair in str(query.get("lines", "")).split(",")[:QUERY_LINES_MAX]:
        key, _sep, qty = pair.strip().partition(":")
        if key in left and qty.strip().isdigit():
            initial[qty_name(key)] = min(int(qty.strip()[:9]), left[key])
    return initial


class DisputeReplyForm(BootstrapValidationFormMixin, forms.Form):
    """A message in the dispute's thread, with more photos or videos."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = evidence_field()
