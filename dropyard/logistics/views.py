"""Merchant shipping pages: default shipping lines per destination.

Each view parses with a form, calls one selector or service and renders. Default lines are read
and written through selectors and services scoped to ``request.merchant``. The freight
calculator and the cannot-ship check read warehouse stock, so inventory serves them
(``inventory.views_shipping``) in the same ``logistics`` URL namespace (``config/urls.py``).
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from dropyard.accounts.choices import Area
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page

from . import selectors, services
from .forms import DefaultLineClearForm, DefaultLineForm
from .lists import DefaultLineFilter, DefaultLineTable

# --- Default shipping lines -------------------------------------------------------------------


def _defaults_page(request: HttpRequest, form: DefaultLineForm, *, status: int = 200):
    """The default lines on the generic list (filter by country, sortable, CSV), and ``form``
    below them (a failed POST renders the page again with its errors, ``status`` 400)."""
    select = partial(selectors.default_lines_list, request.merchant)
    countries = select().values_list("dest_country", flat=True)
    return list_page(
        request,
        queryset=select(),
        filterset_class=DefaultLineFilter,
        filter_kwargs={"select": select, "countries": list(countries)},
        table_class=DefaultLineTable,
        template="logistics/default_lines.html",
        export_name="default-lines",
        status=status,
        context={
            "title": gettext("Default shipping lines"),
            "form": form,
            "noun": gettext_noop("default line"),
            "noun_plural": gettext_noop("default lines"),
            "empty_text": gettext("No default lines yet. Set one per destination country below."),
            "empty_filtered_text": gettext("No default line for this country."),
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


@merchant_view(area=Area.SETTINGS)
def default_lines(request: HttpRequest) -> HttpResponse:
    """The merchant's default line per destination country; POST sets one."""
    if request.method != "POST":
        country = request.GET.get("country", "").upper()
        initial = {"dest_country": country}
        current = selectors.default_line_for(request.merchant, country) if country else None
        if current is not None:
            initial.update(line=current.line_id, fallback=current.fallback)
        return _defaults_page(request, DefaultLineForm(initial=initial))
    form = DefaultLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.default_line_set(
                merchant=request.merchant,
                dest_country=data["dest_country"],
                line=data["line"],
                fallback=data["fallback"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                gettext("Default line for %(country)s set to %(line)s.")
                % {"country": data["dest_country"], "line": data["line"].name},
            )
            return redirect("logistics:default_lines")
    return _defaults_page(request, form, status=400)


@merchant_view(area=Area.SETTINGS)
@require_POST
def default_line_clear(request: HttpRequest) -> HttpResponse:
    """Remove the default line of one destination country."""
    form = DefaultLineClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a country."))
        return redirect("logistics:default_lines")
    country = form.cleaned_data["dest_country"]
    if services.default_line_clear(
        merchant=request.merchant, dest_country=country, actor=request.user
    ):
        messages.success(
            request, gettext("Default line for %(country)s cleared.") % {"country": country}
        )
    else:
        messages.info(
            request, gettext("There was no default line for %(country)s.") % {"country": country}
        )
    return redirect("logistics:default_lines")
