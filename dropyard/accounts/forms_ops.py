"""Forms for the supplier application and the operator back office (accounts_ops).

Forms only parse and check input; views pass ``cleaned_data`` to one service or selector.
"""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.core.forms import BootstrapValidationFormMixin

from .choices import OperatorRole, SupplierApplicationStatus
from .exceptions import AccountsError
from .selectors import agent_list
from .validators import validate_document_upload

DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
ALL = "all"


def _named(message: str, label: str) -> str:
    return str(message) % {"label": label}


# A field's error message naming its (lazy) label, translated when shown, not at import.
_named_lazy = lazy(_named, str)


# --- Supplier application ---------------------------------------------------------------------


class DocumentField(forms.FileField):
    """A PDF/PNG/JPEG upload checked by size and magic bytes (``validate_document_upload``)."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
            error_messages={
                "required": _named_lazy(_("%(label)s: a file is required"), label),
                "empty": _named_lazy(_("%(label)s: the file is empty"), label),
                "invalid": _named_lazy(
                    _("%(label)s: no file was submitted; check the form's encoding"), label
                ),
            },
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                validate_document_upload(upload, label=self.label)
            except AccountsError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload


class SupplierApplicationForm(BootstrapValidationFormMixin, forms.Form):
    """A factory's application: company details and the two documents."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[("", _("Choose a country…"))])
    address = forms.CharField(label=_("Address"), max_length=300)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    legal_representative = forms.CharField(label=_("Legal representative name"), max_length=150)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    product_categories = forms.CharField(
        label=_("Product categories"),
        max_length=300,
        required=False,
        help_text=_("For example: kitchenware, phone cases, pet toys"),
    )
    business_licence = DocumentField(label=_("Business licence"))
    legal_rep_id = DocumentField(label=_("Legal representative ID"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country…")), *countries]
        self.fields["contact_phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.fields["company_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        limit_mb = settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES / 1_048_576
        for name in ("business_licence", "legal_rep_id"):
            self.fields[name].help_text = _("PDF, PNG or JPEG, at most %(limit)s MB") % {
                "limit": f"{limit_mb:g}"
            }


# --- Back office: supplier queue --------------------------------------------------------------


class SupplierQueueFilterForm(forms.Form):
    """Status tab (pending by default) and a search over company name and applicant email."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*SupplierApplicationStatus.choices, (ALL, _("All"))],
        required=False,
    )
    q = forms.CharField(required=False, max_length=100)

    def filters(self) -> dict[str, str]:
        """The valid filters; an unknown status falls back to pending without losing ``q``."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or SupplierApplicationStatus.PENDING
        return {"status": status, "q": (data.get("q") or "").strip()}


class SupplierRejectForm(BootstrapValidationFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("A reason is required to reject an application")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required to reject an application"))
        return reason


# --- Back office: merchants -------------------------------------------------------------------


class AgentAssignForm(BootstrapValidationFormMixin, forms.Form):
    """Choose the merchant's personal agent among active agents (empty: no agent)."""

    agent = forms.ModelChoiceField(
        label=_("Personal agent"),
        queryset=None,
        required=False,
        empty_label=_("No personal agent"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agent_list()
        self.fields["agent"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.email})" if user.full_name else user.email
        )


# --- Back office: operator staff --------------------------------------------------------------


class StaffFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OperatorRole.choices, required=False)

    def role_filter(self) -> str:
        return (self.cleaned_data.get("role") or "") if self.is_valid() else ""


class OperatorCreateForm(BootstrapValidationFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Choose a role…")), *OperatorRole.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class OperatorRoleForm(BootstrapValidationFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=OperatorRole.choices)
