"""Invoice pages: a merchant's documents (wallet area) and every merchant's (finance, admin).

Downloads render the document's PDF from its frozen snapshot and send it as an attachment that
no cache may keep.
"""

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.http import require_GET

from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.pagination import paginate
from dropyard.core.views_helpers import list_response

from . import selectors
from .choices import InvoiceKind
from .invoice_pdf import invoice_filename, invoice_pdf
from .models import Invoice

FINANCE = {OperatorRole.FINANCE}


class InvoiceFilterForm(forms.Form):
    """Kind and a search over number and reference (and, for finance, the merchant)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "All kinds"), *InvoiceKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "kind": ""}
        return {"q": self.cleaned_data["q"], "kind": self.cleaned_data["kind"]}


def _list(request: HttpRequest, *, merchant, page: str, partial: str) -> HttpResponse:
    form = InvoiceFilterForm(request.GET)
    filters = form.filters()
    context = {
        "page": paginate(request, selectors.invoice_list(merchant=merchant, **filters)),
        "filter_form": form,
        "filtered": any(filters.values()),
    }
    return list_response(request, page, partial, context)


def _attachment(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    # The lookup comes first, so another merchant's id answers 404 whatever the method.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@merchant_view(area=Area.WALLET)
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        merchant=request.merchant,
        page="wallet/invoice_list.html",
        partial="wallet/partials/_invoice_results.html",
    )


@merchant_view(area=Area.WALLET)
def invoice_download(request: HttpRequest, public_id: str) -> HttpResponse:
    invoice = selectors.invoice_get(public_id=public_id, merchant=request.merchant)
    return _attachment(request, invoice)


@operator_view(roles=FINANCE)
@require_GET
def ops_invoice_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        merchant=None,
        page="wallet/ops/invoice_list.html",
        partial="wallet/ops/partials/_invoice_results.html",
    )


@operator_view(roles=FINANCE)
def ops_invoice_download(request: HttpRequest, public_id: str) -> HttpResponse:
    return _attachment(request, selectors.invoice_get_for_finance(public_id=public_id))
