"""Forms for accounts pages. Forms validate input; services do the writing."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.core.api_scopes import ALL_SCOPES, SCOPE_DESCRIPTIONS, ApiScope
from dropyard.core.forms import BootstrapFormMixin

from .choices import Area, MemberRole
from .models import User
from .services import merchant_account_create

ACCOUNT_TYPE_CHOICES = [
    ("merchant", _("Merchant — I sell online and want products fulfilled")),
    ("supplier", _("Supplier — I manufacture products and want to list them")),
]


class SignupExtraForm(forms.Form):
    """Extra sign-up fields (allauth ``ACCOUNT_SIGNUP_FORM_CLASS``).

    A merchant sign-up creates the merchant account with the new user as owner; a supplier
    sign-up creates only the user, who is then sent to the supplier application.
    """

    full_name = forms.CharField(max_length=150, required=False, label=_("Your name"))
    account_type = forms.ChoiceField(
        label=_("Account type"),
        choices=ACCOUNT_TYPE_CHOICES,
        initial="merchant",
        widget=forms.RadioSelect,
    )
    business_name = forms.CharField(max_length=200, required=False, label=_("Business name"))

    def clean(self):
        data = super().clean()
        if data.get("account_type") == "merchant" and not (data.get("business_name") or "").strip():
            self.add_error("business_name", _("Enter your business name"))
        return data

    def signup(self, request, user) -> None:
        with transaction.atomic():
            user.full_name = self.cleaned_data.get("full_name", "").strip()
            user.save(update_fields=["full_name"])
            if self.cleaned_data["account_type"] == "merchant":
                merchant_account_create(
                    owner=user, business_name=self.cleaned_data["business_name"], request=request
                )


class ProfileForm(BootstrapFormMixin, forms.Form):
    """The merchant profile; target markets are ISO 3166-1 alpha-2 codes."""

    business_name = forms.CharField(max_length=200, label=_("Business name"))
    niche = forms.CharField(
        max_length=120,
        required=False,
        label=_("Niche"),
        help_text=_("What you sell, e.g. pet accessories"),
    )
    target_markets = forms.MultipleChoiceField(
        choices=lambda: list(countries),
        required=False,
        label=_("Target markets"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        # data-searchable (core.forms.mark_searchable) shows it as tags; the native list (no
        # JavaScript) still takes Ctrl-click, which the tags make needless to explain.
        help_text=_("The countries you ship to: type a name to add it."),
    )
    contact_name = forms.CharField(max_length=150, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(required=False, label=_("Contact email"))
    contact_phone = forms.CharField(max_length=40, required=False, label=_("Contact phone"))


class StoreIdsField(forms.CharField):
    """Store scope as comma-separated store ids; empty means every store."""

    widget = forms.HiddenInput

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        try:
            return sorted({int(part) for part in text.split(",") if part.strip()})
        except ValueError as exc:
            raise forms.ValidationError(_("Store ids must be whole numbers")) from exc


ASSIGNABLE_ROLES = [(MemberRole.ADMIN, _("Admin (every area)")), (MemberRole.STAFF, _("Staff"))]


class MemberForm(BootstrapFormMixin, forms.Form):
    """Role, permission areas and store scope of a member (or of an invitation).

    ``can_grant_admin`` False (staff with the settings area) offers only the staff role.
    """

    role = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLES, initial=MemberRole.STAFF)
    permissions = forms.MultipleChoiceField(
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Permission areas"),
        help_text=_("Admins have every area; staff have only the areas ticked here."),
    )
    store_ids = StoreIdsField(required=False)

    def __init__(self, *args, can_grant_admin: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_grant_admin:
            self.fields["role"].choices = [
                (value, label) for value, label in ASSIGNABLE_ROLES if value == MemberRole.STAFF
            ]


class InviteForm(MemberForm):
    """Invite someone by email with a role and permission areas."""

    email = forms.EmailField(max_length=254, label=_("Email"))

    field_order = ["email", "role", "permissions", "store_ids"]


class ApiKeyForm(BootstrapFormMixin, forms.Form):
    """A new key's name and scopes (every scope ticked by default: full access)."""

    name = forms.CharField(
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Shopify sync")}),
        help_text=_("A name to tell keys apart."),
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices,
        label=_("Scopes"),
        initial=list(ALL_SCOPES),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope for the key.")},
        help_text=_("What programs using the key may do. All ticked gives full access."),
    )

    @property
    def scope_options(self) -> list[dict[str, object]]:
        """Each scope with its description and whether it is ticked (for the template)."""
        if self.is_bound:
            ticked = set(self.data.getlist(self.add_prefix("scopes")))
        else:
            ticked = set(self.fields["scopes"].initial)
        return [
            {
                "value": value,
                "label": label,
                "description": SCOPE_DESCRIPTIONS[value],
                "checked": value in ticked,
            }
            for value, label in ApiScope.choices
        ]


class InvitationSignupForm(BootstrapFormMixin, forms.Form):
    """Create a login for an invited person; the email is fixed by the invitation."""

    full_name = forms.CharField(max_length=150, label=_("Your name"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match"))
        elif password1:
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                validate_password(password1, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SwitchMerchantForm(forms.Form):
    merchant_id = forms.IntegerField(min_value=1)


class LanguageForm(BootstrapFormMixin, forms.Form):
    """The language a person sees the pages in ("" = the site's default)."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=lambda: [("", _("Site default (English)")), *settings.LANGUAGES],
        required=False,
    )
