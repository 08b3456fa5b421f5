"""Bootstrap form mixins for every app, and the filter forms of the audit log and job pages.

Forms only parse input; services do the work.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django_countries import countries

from .boundary import INT32_MAX, INT32_MIN
from .choices import AuditAction
from .selectors import AuditFilters


def country_choices(codes=None, blank: str = "Choose a country") -> list[tuple[str, str]]:
    """Select options: ``blank`` first, then ``codes`` (ISO alpha-2) or every country, by name."""
    names = dict(countries)
    listed = list(countries) if codes is None else [(c, names.get(c, c)) for c in codes]
    return [("", blank), *listed]


def _add_class(widget: forms.Widget, css: str) -> None:
    existing = widget.attrs.get("class", "")
    if css not in existing.split():
        widget.attrs["class"] = f"{existing} {css}".strip()


def bound_integer_field(field: forms.Field) -> None:
    """An integer field with no declared ``min_value``/``max_value`` gets the PostgreSQL
    ``integer`` range (the input boundary's default, ``core.boundary``): a number a column
    cannot hold is a form error, not a database error. Decimal and float fields are left be."""
    if type(field) is not forms.IntegerField:
        return
    if field.max_value is None:
        field.max_value = INT32_MAX
        field.validators.append(MaxValueValidator(INT32_MAX))
        field.widget.attrs.setdefault("max", INT32_MAX)
    if field.min_value is None:
        field.min_value = INT32_MIN
        field.validators.append(MinValueValidator(INT32_MIN))
        field.widget.attrs.setdefault("min", INT32_MIN)


class BootstrapFormMixin:
    """Give each visible widget its Bootstrap 5 class (form-select, form-check-input, form-control),
    and each unbounded integer field the database's range (``bound_integer_field``).

    Checkbox and radio lists get none: ``partials/_field.html`` renders their markup itself.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_integer_field(field)
            widget = field.widget
            if widget.is_hidden or isinstance(
                widget, forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                continue
            if isinstance(widget, forms.CheckboxInput):
                _add_class(widget, "form-check-input")
            elif isinstance(widget, forms.Select):
                _add_class(widget, "form-select")
            else:
                _add_class(widget, "form-control")


class BootstrapValidationFormMixin(BootstrapFormMixin):
    """Bootstrap classes; after validation, fields with errors also get ``is-invalid``.

    ``is-invalid`` is Bootstrap's red outline; ``aria-invalid="true"`` tells screen readers.
    """

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                _add_class(widget, "is-invalid")
                widget.attrs["aria-invalid"] = "true"


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    """Audit log filters for one merchant account (also posted by the export button)."""

    action = forms.ChoiceField(choices=[("", "All actions"), *AuditAction.choices], required=False)
    actor = forms.CharField(required=False, max_length=254, label="Actor email contains")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError("The start date must not be after the end date.")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            action=data["action"],
            actor=data["actor"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            merchant=data.get("merchant", "").strip(),
        )


class OpsAuditFilterForm(AuditFilterForm):
    """Operator-wide audit filters: adds the merchant (account number or name)."""

    merchant = forms.CharField(
        required=False, max_length=200, label="Merchant (account number or name)"
    )

    field_order = ["merchant", "action", "actor", "date_from", "date_to"]
