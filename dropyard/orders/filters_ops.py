"""The back-office order list's filters (django-filter), over ``selectors_ops``'s scoped list.

Self-contained so that a generic list page can take it as it is: it needs only the operator
(``user``) to offer the merchants of their scope; the queryset it filters is already scoped by
``order_list_for_operator``, so a merchant id outside the scope is an invalid choice, never a
way around it.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.lists import ListFilterSet

from .choices import OrderStatus
from .models import Order
from .selectors_ops import operator_merchants

PROBLEMS = [
    ("any", _("Any problem")),
    ("hold", _("On hold")),
    ("logistics", _("Cannot ship (no line)")),
]
_SELECT = {"class": "form-select"}
_INPUT = {"class": "form-control"}


class OperatorOrderFilter(ListFilterSet):
    """Merchant, status, destination country, creation dates, code / number / customer search,
    and problems (on hold, logistics miss)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={**_INPUT, "placeholder": _("Code, order number, customer"), "type": "search"}
        ),
    )
    merchant = django_filters.ModelChoiceFilter(
        queryset=MerchantAccount.objects.none(),
        empty_label=_("Any merchant"),
        widget=forms.Select(attrs=_SELECT),
    )
    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, empty_label=_("Any status"), widget=forms.Select(attrs=_SELECT)
    )
    country = django_filters.CharFilter(
        label=_("Country"),
        field_name="shipping_country_code",
        method="filter_country",
        max_length=2,
        widget=forms.TextInput(attrs={**_INPUT, "placeholder": _("e.g. DE")}),
    )
    date_from = django_filters.DateFilter(
        label=_("Created from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Created to"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
    )
    problem = django_filters.ChoiceFilter(
        label=_("Problem"),
        choices=PROBLEMS,
        empty_label=_("Any order"),
        method="filter_problem",
        widget=forms.Select(attrs=_SELECT),
    )

    class Meta(ListFilterSet.Meta):
        model = Order
        fields = ["q", "merchant", "status", "country", "date_from", "date_to", "problem"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["merchant"].queryset = operator_merchants(user=user).order_by(
            "business_name", "pk"
        )

    def filter_q(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__istartswith=value)
            | Q(order_number__icontains=value)
            | Q(public_id=value)
            | Q(shipping_customer_name__icontains=value)
        )

    def filter_country(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        value = value.strip().upper()
        return queryset.filter(shipping_country_code=value) if value else queryset

    def filter_problem(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        if value == "hold":
            return queryset.filter(on_hold=True)
        if value == "logistics":
            return queryset.filter(logistics_miss=True)
        if value == "any":
            return queryset.filter(Q(on_hold=True) | Q(logistics_miss=True))
        return queryset
