"""Merchant wallet pages (the "wallet" permission area): the wallet page (balance, the ways to
top up — the Sandbox / wire pages are ``views``, card / PayPal ``views_providers`` — the
transactions list and the activity chart), statements (CSV / XLSX), the order history
export and the profit report. Paying orders from the wallet (``wallet:pay``) is the
checkout's page (``checkout.views``).

Every read is scoped to ``request.merchant``; every write is one service call and a refusal
becomes a message or a form error.
"""

from datetime import date
from functools import partial

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET

from dropyard.accounts.choices import Area
from dropyard.accounts.sandbox import sandbox_allowed
from dropyard.core.access import merchant_view
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import list_page
from dropyard.core.money import Money

from . import reports, selectors
from .choices import Provider, TopUpStatus
from .ledger import wallet_balance
from .lists_ledger import EntryFilter, EntryTable, with_references
from .providers import enabled_providers
from .quotes import discount_bps
from .topups import topup_min_minor

AREA = Area.WALLET
DATE_WIDGET = {"class": "form-control", "type": "date"}


# --- Forms ---------------------------------------------------------------------------------------


class DateRangeForm(forms.Form):
    """Inclusive calendar days; both optional; ``from`` must not be after ``to``."""

    date_from = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    date_to = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs=DATE_WIDGET)
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        return data

    def bounds(self):
        """The half-open datetime range of a valid form (``(None, None)`` otherwise)."""
        if not self.is_valid():
            return None, None
        return reports.day_bounds(self.cleaned_data["date_from"], self.cleaned_data["date_to"])


# --- Wallet home ---------------------------------------------------------------------------------


@merchant_view(area=AREA)
@require_GET
def wallet_home(request: HttpRequest) -> HttpResponse:
    """The balances, the ways to top up, the last 30 days' chart, and the wallet's transactions
    (the generic list: filters, sorting, CSV; its rows are only this merchant's entries)."""
    merchant = request.merchant
    select = partial(reports.wallet_entries, merchant=merchant)
    discount_pct = discount_bps() / 100
    context: dict = {
        "title": gettext("Wallet"),
        "noun": gettext_noop("transaction"),
        "noun_plural": gettext_noop("transactions"),
        "discount_pct": discount_pct,
        "empty_text": gettext(
            "No transactions yet. Top up your wallet to pay orders with a %(pct)s%% discount."
        )
        % {"pct": floatformat(discount_pct, "-2")},
        "empty_filtered_text": gettext("No transactions match these filters."),
        "results_actions_template": "wallet/partials/_list_export.html",
    }
    if not htmx_partial(request) and request.GET.get("export") != "csv":
        activity = reports.wallet_activity(merchant=merchant)
        context |= {
            "balance": wallet_balance(merchant=merchant),
            "pending_wires": selectors.merchant_topups(
                merchant=merchant, provider=Provider.WIRE, status=TopUpStatus.PENDING
            ),
            "provider_options": enabled_providers(),
            "sandbox_allowed": sandbox_allowed(merchant),
            "min_topup": Money(topup_min_minor(), "USD"),
            "activity": activity,
            "chart_data": activity.chart_data(),
        }
    return list_page(
        request,
        queryset=select(),
        filterset_class=EntryFilter,
        filter_kwargs={
            "select": select,
            "kinds": reports.wallet_transaction_kinds(merchant=merchant),
        },
        table_class=EntryTable,
        page_hook=with_references,
        template="wallet/wallet_home.html",
        export_name="wallet-transactions",
        context=context,
    )


# --- Statements and exports ----------------------------------------------------------------------


def _range_form(request: HttpRequest) -> DateRangeForm:
    return DateRangeForm(request.GET or None)


@merchant_view(area=AREA)
@require_GET
def statement_page(request: HttpRequest) -> HttpResponse:
    """Pick a date range; see the opening and closing balances; download CSV or XLSX."""
    form = _range_form(request)
    date_from, date_to = form.bounds()
    statement = None
    if not form.is_bound or form.is_valid():
        statement = selectors.statement(
            merchant=request.merchant, date_from=date_from, date_to=date_to
        )
    context = {"form": form, "statement": statement, "query": request.GET.urlencode()}
    return render(request, "wallet/wallet_statement.html", context)


def _download_name(prefix: str, form: DateRangeForm, ext: str) -> str:
    start = form.cleaned_data.get("date_from") if form.is_valid() else None
    end = form.cleaned_data.get("date_to") if form.is_valid() else None
    today = timezone.localdate()
    span = f"{(start or date(2000, 1, 1)).isoformat()}_{(end or today).isoformat()}"
    if not start:
        span = f"to-{(end or today).isoformat()}"
    return f"{prefix}-{span}.{ext}"


def _statement_or_400(request: HttpRequest):
    form = _range_form(request)
    if form.is_bound and not form.is_valid():
        message = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return form, HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    date_from, date_to = form.bounds()
    return form, selectors.statement(
        merchant=request.merchant, date_from=date_from, date_to=date_to
    )


def _attachment(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@merchant_view(area=AREA)
@require_GET
def statement_csv(request: HttpRequest) -> HttpResponse:
    form, statement = _statement_or_400(request)
    if isinstance(statement, HttpResponse):
        return statement
    return _attachment(
        reports.statement_csv(statement),
        "text/csv; charset=utf-8",
        _download_name("wallet-statement", form, "csv"),
    )


@merchant_view(area=AREA)
@require_GET
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    form, statement = _statement_or_400(request)
    if isinstance(statement, HttpResponse):
        return statement
    return _attachment(
        reports.statement_xlsx(statement, merchant=request.merchant),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _download_name("wallet-statement", form, "xlsx"),
    )


@merchant_view(area=AREA)
@require_GET
def order_history_export(request: HttpRequest) -> HttpResponse:
    """Every order created in the range with what it cost and was paid, as CSV (streamed)."""
    form = _range_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse("Invalid date range", status=400, content_type="text/plain")
    date_from, date_to = form.bounds()
    orders = reports.order_history(merchant=request.merchant, date_from=date_from, date_to=date_to)
    response = StreamingHttpResponse(
        reports.order_history_csv_stream(orders), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name("order-history", form, "csv")}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@merchant_view(area=AREA)
@require_GET
def profit_page(request: HttpRequest) -> HttpResponse:
    form = _range_form(request)
    date_from, date_to = form.bounds()
    report = reports.profit_report(merchant=request.merchant, date_from=date_from, date_to=date_to)
    context = {
        "form": form,
        "report": report,
        "chart_data": report.chart_data(),
        "query": request.GET.urlencode(),
    }
    return render(request, "wallet/report_profit.html", context)
