"""Forms for the merchant shipping pages. Forms parse input; selectors and services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.core.forms import BootstrapValidationFormMixin, country_choices

from .choices import FallbackPolicy
from .models import ShippingLine


class DefaultLineForm(BootstrapValidationFormMixin, forms.Form):
    """Set the default line for one destination country and its fallback policy."""

    dest_country = forms.ChoiceField(label=_("Destination country"))
    line = forms.ModelChoiceField(
        queryset=ShippingLine.objects.filter(is_active=True).order_by("name"),
        label=_("Shipping line"),
        empty_label=_("Choose a line"),
    )
    fallback = forms.ChoiceField(
        choices=FallbackPolicy.choices,
        initial=FallbackPolicy.CHEAPEST,
        label=_("When this line cannot ship"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dest_country"].choices = country_choices()


class DefaultLineClearForm(forms.Form):
    dest_country = forms.ChoiceField(choices=list(countries))
