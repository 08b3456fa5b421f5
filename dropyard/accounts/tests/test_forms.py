import pytest
from django.http import QueryDict

from dropyard.accounts.forms import (
    ApiKeyForm,
    InvitationSignupForm,
    InviteForm,
    MemberForm,
    ProfileForm,
    SignupExtraForm,
)
from dropyard.accounts.tests.factories import PASSWORD

# --- SignupExtraForm --------------------------------------------------------------------------


def test_signup_extra_merchant_needs_business_name():
    form = SignupExtraForm({"account_type": "merchant", "business_name": "  "})

    assert not form.is_valid()
    assert form.errors == {"business_name": ["Enter your business name"]}


def test_signup_extra_supplier_needs_no_business_name():
    form = SignupExtraForm({"account_type": "supplier", "full_name": "Li"})

    assert form.is_valid()
    assert form.cleaned_data == {"full_name": "Li", "account_type": "supplier", "business_name": ""}


def test_signup_extra_refuses_unknown_account_type():
    form = SignupExtraForm({"account_type": "operator", "business_name": "X"})

    assert not form.is_valid()
    assert list(form.errors) == ["account_type"]


# --- ProfileForm ------------------------------------------------------------------------------


def test_profile_form_accepts_country_codes():
    form = ProfileForm({"business_name": "Acme", "target_markets": ["US", "DE"]})

    assert form.is_valid()
    assert form.cleaned_data["target_markets"] == ["US", "DE"]


def test_profile_form_refuses_unknown_country_and_bad_email():
    form = ProfileForm(
        {"business_name": "Acme", "target_markets": ["US", "XX"], "contact_email": "nope"}
    )

    assert not form.is_valid()
    assert sorted(form.errors) == ["contact_email", "target_markets"]


def test_profile_form_widgets_use_bootstrap_classes():
    form = ProfileForm()

    assert form.fields["business_name"].widget.attrs["class"] == "form-control"
    assert form.fields["target_markets"].widget.attrs["class"] == "form-select"


# --- MemberForm / InviteForm ------------------------------------------------------------------


def test_member_form_parses_store_ids_and_areas():
    form = MemberForm({"role": "staff", "permissions": ["orders", "wallet"], "store_ids": "3, 1,3"})

    assert form.is_valid()
    assert form.cleaned_data == {
        "role": "staff",
        "permissions": ["orders", "wallet"],
        "store_ids": [1, 3],
    }


def test_member_form_empty_store_ids_means_all_stores():
    form = MemberForm({"role": "admin"})

    assert form.is_valid()
    assert form.cleaned_data["store_ids"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "staff", "store_ids": "1,x"}, "store_ids"),
        ({"role": "staff", "permissions": ["rockets"]}, "permissions"),
        ({"role": "owner"}, "role"),
    ],
)
def test_member_form_refusals(data, field):
    form = MemberForm(data)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_member_form_without_admin_grant_offers_only_staff():
    form = MemberForm({"role": "admin"}, can_grant_admin=False)

    assert [value for value, _label in form.fields["role"].choices] == ["staff"]
    assert not form.is_valid()
    assert list(form.errors) == ["role"]


def test_invite_form_puts_email_first_and_requires_it():
    form = InviteForm({"role": "staff"})

    assert list(form.fields) == ["email", "role", "permissions", "store_ids"]
    assert not form.is_valid()
    assert list(form.errors) == ["email"]


# --- InvitationSignupForm ---------------------------------------------------------------------


def test_invitation_signup_accepts_matching_strong_passwords():
    form = InvitationSignupForm(
        {"full_name": "Grace", "password1": PASSWORD, "password2": PASSWORD}, email="g@x.test"
    )

    assert form.is_valid()


def test_invitation_signup_refuses_mismatched_passwords():
    form = InvitationSignupForm(
        {"full_name": "Grace", "password1": PASSWORD, "password2": PASSWORD + "x"},
        email="g@x.test",
    )

    assert not form.is_valid()
    assert form.errors == {"password2": ["The two passwords do not match"]}


def test_invitation_signup_runs_password_validators():
    form = InvitationSignupForm(
        {"full_name": "Grace", "password1": "12345678", "password2": "12345678"},
        email="g@x.test",
    )

    assert not form.is_valid()
    assert form.errors["password1"] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]


# --- ApiKeyForm -------------------------------------------------------------------------------


def test_apikey_form_name_is_optional_and_limited():
    assert ApiKeyForm({"name": "", "scopes": ["read"]}).is_valid()
    assert not ApiKeyForm({"name": "k" * 101, "scopes": ["read"]}).is_valid()


def test_apikey_form_ticks_every_scope_until_posted():
    unbound = ApiKeyForm()
    posted = ApiKeyForm(QueryDict("name=k&scopes=read&scopes=orders"))

    assert [o["checked"] for o in unbound.scope_options] == [True] * 6
    assert [o["value"] for o in posted.scope_options if o["checked"]] == ["read", "orders"]
    assert posted.is_valid()
    assert posted.cleaned_data["scopes"] == ["read", "orders"]


def test_apikey_form_needs_a_scope_and_known_ones():
    none_ticked = ApiKeyForm({"name": "k"})

    assert none_ticked.errors == {"scopes": ["Choose at least one scope for the key."]}
    assert "scopes" in ApiKeyForm({"name": "k", "scopes": ["root"]}).errors
