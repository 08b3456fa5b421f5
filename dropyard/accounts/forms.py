"""Forms for accounts pages. Forms validate input; services do the writing."""

from django import forms
from django.db import transaction

from .services import merchant_account_create

ACCOUNT_TYPE_CHOICES = [
    ("merchant", "Merchant — I sell online and want products fulfilled"),
    ("supplier", "Supplier — I manufacture products and want to list them"),
]


class SignupExtraForm(forms.Form):
    """Extra sign-up fields (allauth ``ACCOUNT_SIGNUP_FORM_CLASS``).

    A merchant sign-up creates the merchant account with the new user as owner; a supplier
    sign-up creates only the user, who is then sent to the supplier application.
    """

    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    account_type = forms.ChoiceField(
        choices=ACCOUNT_TYPE_CHOICES, initial="merchant", widget=forms.RadioSelect
    )
    business_name = forms.CharField(max_length=200, required=False, label="Business name")

    def clean(self):
        data = super().clean()
        if data.get("account_type") == "merchant" and not (data.get("business_name") or "").strip():
            self.add_error("business_name", "Enter your business name")
        return data

    def signup(self, request, user) -> None:
        with transaction.atomic():
            user.full_name = self.cleaned_data.get("full_name", "").strip()
            user.save(update_fields=["full_name"])
            if self.cleaned_data["account_type"] == "merchant":
                merchant_account_create(
                    owner=user, business_name=self.cleaned_data["business_name"], request=request
                )
