"""Invoice pages: a merchant's documents (wallet area) and every merchant's (finance, admin).

Downloads render the document's PDF from its frozen snapshot and send it as an attachment that
no cache may keep.
"""

from functools import partial

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET

from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.lists import list_page

from . import selectors
from .invoice_pdf import invoice_filename, invoice_pdf
from .lists import InvoiceFilter, InvoiceTable
from .models import Invoice

FINANCE = {OperatorRole.FINANCE}


def _list(request: HttpRequest, *, merchant, template: str) -> HttpResponse:
    ops = merchant is None
    return list_page(
        request,
        queryset=selectors.invoice_list(merchant=merchant),
        filterset_class=InvoiceFilter,
        filter_kwargs={"select": partial(selectors.invoice_list, merchant=merchant)},
        table_class=InvoiceTable,
        table_kwargs={
            "download_url_name": "wallet_ops:invoice_download"
            if ops
            else "wallet:invoice_download",
            "exclude": () if ops else ("merchant",),
        },
        template=template,
        export_name="invoices",
        context={
            "title": gettext("Invoices"),
            "noun": gettext_noop("document"),
            "noun_plural": gettext_noop("documents"),
            "empty_filtered_text": gettext("No document matches these filters."),
            "empty_template": "" if ops else "wallet/partials/_invoice_empty.html",
            "empty_text": gettext("No invoices have been issued yet."),
        },
    )


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
        template="wallet/invoice_list.html",
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
        template="wallet/ops/invoice_list.html",
    )


@operator_view(roles=FINANCE)
def ops_invoice_download(request: HttpRequest, public_id: str) -> HttpResponse:
    return _attachment(request, selectors.invoice_get_for_finance(public_id=public_id))
