"""Bootstrap form mixins for every app, and the filter forms of the audit log and job pages.

Forms only parse input; services do the work.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .boundary import INT32_MAX, INT32_MIN
from .choices import AuditAction
from .selectors import AuditFilters


def country_choices(codes=None, blank: str | None = None) -> list[tuple[str, str]]:
    """Select options: ``blank`` first, then ``codes`` (ISO alpha-2) or every country, by name."""
    names = dict(countries)
    if blank is None:
        blank = _("Choose a country")
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


# A select with at least this many options is searchable (Tom Select): countries (250), long lists.
SEARCHABLE_MIN_CHOICES = 20


def mark_searchable(field: forms.Field) -> None:
    """Give a long select ``data-searchable``: app.js turns it into a Tom Select (type to filter;
    a multiple select becomes removable tags instead of a Ctrl-click list). Model choices
    (merchants, SKUs, warehouses) always; other selects from ``SEARCHABLE_MIN_CHOICES`` options,
    so every country select gets it, whichever form it is in. Without JavaScript the native
    select works as before."""
    widget = field.widget
    if "data-searchable" in widget.attrs or isinstance(
        widget, forms.CheckboxSelectMultiple | forms.RadioSelect
    ):
        return
    if isinstance(widget, forms.SelectMultiple) or (
        isinstance(widget, forms.Select)
        and (
            isinstance(field, forms.ModelChoiceField)
            or len(list(getattr(field, "choices", ()))) >= SEARCHABLE_MIN_CHOICES
        )
    ):
        widget.attrs["data-searchable"] = ""


def _sentence(message: str) -> str:
    # Only a plain lower-case word is capitalised: a message that starts with an email address,
    # a code or a quoted value ("invitee@example.test already has…") keeps it as written.
    first = message.split(" ", 1)[0].rstrip(",:;.")
    if first.isalpha() and first.islower():
        return message[:1].upper() + message[1:]
    return message


def sentence_case_errors(error):
    """``error`` (what ``Form.add_error`` takes: a message, a list, a dict or a
    ``ValidationError``) with each message's first letter upper-cased; codes are kept."""
    if isinstance(error, dict):
        return {name: sentence_case_errors(value) for name, value in error.items()}
    if isinstance(error, str):
        return _sentence(error)
    if isinstance(error, list):
        return [sentence_case_errors(item) for item in error]
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return ValidationError(
                {name: sentence_case_errors(items) for name, items in error.error_dict.items()}
            )
        return ValidationError(
            [
                ValidationError(_sentence(str(message)), code=item.code)
                for item in error.error_list
                for message in item
            ]
        )
    return error


class BootstrapFormMixin:
    """Give each visible widget its Bootstrap 5 class (form-select, form-check-input, form-control),
    each unbounded integer field the database's range (``bound_integer_field``), and each long
    select ``data-searchable`` (``mark_searchable``).

    Checkbox and radio lists get none: ``partials/_field.html`` renders their markup itself.
    """

    def add_error(self, field: str | None, error) -> None:
        """Every message starts with a capital letter (sentence case), whoever wrote it:
        services share some messages with the API ("at most 20 characters"), and the page shows
        them as sentences."""
        super().add_error(field, sentence_case_errors(error))  # type: ignore[misc]

    def __getitem__(self, name: str) -> forms.BoundField:
        # Marked when the field is rendered, not in __init__: many forms set a select's
        # choices (country_choices()) after this mixin's __init__ has run.
        bound = super().__getitem__(name)  # type: ignore[misc]
        mark_searchable(bound.field)
        return bound

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

    action = forms.ChoiceField(
        choices=[("", _("All actions")), *AuditAction.choices], required=False
    )
    actor = forms.CharField(required=False, max_length=254, label=_("Actor email contains"))
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date must not be after the end date."))
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
        required=False, max_length=200, label=_("Merchant (account number or name)")
    )

    field_order = ["merchant", "action", "actor", "date_from", "date_to"]
