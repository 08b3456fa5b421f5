"""Merchant shipping pages: default shipping lines per destination.

Each view parses with a form, calls one selector or service and renders. Default lines are read
and written through selectors and services scoped to ``request.merchant``. The freight
calculator and the cannot-ship check read warehouse stock, so inventory serves them
(``inventory.views_shipping``) in the same ``logistics`` URL namespace (``config/urls.py``).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dropyard.accounts.choices import Area
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError

from . import selectors, services
from .forms import DefaultLineClearForm, DefaultLineForm

# --- Default shipping lines -------------------------------------------------------------------


def _defaults_page(request: HttpRequest, form: DefaultLineForm, *, status: int = 200):
    context = {"form": form, "defaults": selectors.default_lines_list(request.merchant)}
    return render(request, "logistics/default_lines.html", context, status=status)


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
