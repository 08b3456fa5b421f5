"""The shared form mixin: sentence-case messages and searchable selects."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django_countries.fields import LazyTypedChoiceField

from dropyard.accounts.models import MerchantAccount
from dropyard.core.forms import (
    BootstrapValidationFormMixin,
    country_choices,
    mark_searchable,
    sentence_case_errors,
)


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("at most 20 characters", "At most 20 characters"),
        ("a postcode is required for US", "A postcode is required for US"),
        ("Already a sentence.", "Already a sentence."),
        (
            "invitee@example.test already has a pending invitation",
            "invitee@example.test already has a pending invitation",
        ),  # noqa: E501
        ("'XX' is not a country code", "'XX' is not a country code"),
        ("iPhone cases are restricted", "iPhone cases are restricted"),
        ("", ""),
    ],
)
def test_sentence_case_capitalises_plain_words_only(message, shown):
    assert sentence_case_errors(message) == shown


def test_sentence_case_keeps_codes_of_validation_errors():
    error = sentence_case_errors(ValidationError("%(n)s too many", params={"n": "far"}, code="x"))

    assert [(item.message, item.code) for item in error.error_list] == [("Far too many", "x")]


def test_sentence_case_of_a_field_dict():
    assert sentence_case_errors({"zip": ["at most 20 characters"], "city": "required"}) == {
        "zip": ["At most 20 characters"],
        "city": "Required",
    }


class _Form(BootstrapValidationFormMixin, forms.Form):
    country = forms.ChoiceField(choices=[])
    status = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    markets = forms.MultipleChoiceField(choices=[("DE", "Germany")], required=False)
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    name = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As many forms do: the choices arrive after the mixin's __init__.
        self.fields["country"].choices = country_choices()


def test_long_and_multiple_selects_are_searchable_short_ones_not():
    form = _Form()

    searchable = {bf.name for bf in form if "data-searchable" in bf.field.widget.attrs}

    assert searchable == {"country", "markets"}
    assert "data-searchable" in str(form["country"])


def test_model_choice_and_country_fields_are_searchable():
    model_field = forms.ModelChoiceField(queryset=MerchantAccount.objects.none())
    country_field = LazyTypedChoiceField(choices=country_choices())

    mark_searchable(model_field)
    mark_searchable(country_field)

    assert model_field.widget.attrs["data-searchable"] == ""
    assert country_field.widget.attrs["data-searchable"] == ""


def test_form_errors_added_by_a_view_are_sentence_case():
    form = _Form(data={"country": "DE", "status": "a", "name": "x"})
    assert form.is_valid()

    form.add_error("name", "already taken by another account")

    assert form.errors["name"] == ["Already taken by another account"]
