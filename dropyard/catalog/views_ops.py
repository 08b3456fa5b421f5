"""Operator back office for the catalog: products, variants, images, categories, reports."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import ListFilterSet, list_page
from dropyard.core.money import Money
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .choices import ReportStatus
from .forms_ops import (
    ALL,
    CategoryForm,
    ImageUploadForm,
    ProductForm,
    ReasonForm,
    ReportDismissForm,
    ReportFilterForm,
    ReportTakeOffSaleForm,
    VariantForm,
)
from .lists import ProductFilter, ProductTable, ReportTable
from .models import ImproperReport

CATALOG_STAFF = {OperatorRole.SUPPORT}


# --- Products ---------------------------------------------------------------------------------


@operator_view(roles=CATALOG_STAFF)
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=selectors.product_list(),
        filterset_class=ProductFilter,
        filter_kwargs={"select": selectors.product_list},
        table_class=ProductTable,
        template="catalog/ops/product_list.html",
        export_name="products",
        context={
            "title": gettext("Products"),
            "noun": gettext_noop("product"),
            "noun_plural": gettext_noop("products"),
            "empty_template": "catalog/ops/partials/_product_empty.html",
        },
    )


@operator_view(roles=CATALOG_STAFF)
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    """A new product with its first variant."""
    if request.method == "GET":
        form, variant_form = ProductForm(), VariantForm(prefix="variant")
    else:
        form = ProductForm(request.POST)
        variant_form = VariantForm(request.POST, prefix="variant")
        if form.is_valid() and variant_form.is_valid():
            product = form_call(
                form,
                lambda: services.product_create(
                    actor=request.user,
                    variants=[variant_form.cleaned_data],
                    **form.cleaned_data,
                ),
            )
            if product is not None:
                messages.success(
                    request, gettext("Product %(sku)s created.") % {"sku": product.sku}
                )
                return redirect("catalog_ops:product_edit", pid=product.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "variant_form": variant_form}
    return render(request, "catalog/ops/product_create.html", context, status=status)


def _product_edit_response(
    request: HttpRequest, product, *, form=None, status: int = 200
) -> HttpResponse:
    variants = selectors.variant_list(product=product)
    context = {
        "product": product,
        "form": form
        or ProductForm(
            editing=True,
            initial={
                "name": product.name,
                "category": product.category_id,
                "product_type": product.product_type,
                "supplier": product.supplier_id,
                "description_html": product.description_html,
                "hs_code": product.hs_code,
                "material": product.material,
                "packing": product.packing,
                "properties": product.properties,
                "video_url": product.video_url,
            },
        ),
        "variant_rows": [
            (v, Money(v.price_minor, v.currency), Money(v.suggested_price_minor, v.currency))
            for v in variants
        ],
        "images": product.images.all(),
        "image_form": ImageUploadForm(),
        "sale_form": ReasonForm(),
    }
    return render(request, "catalog/ops/product_edit.html", context, status=status)


@operator_view(roles=CATALOG_STAFF)
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pid: str) -> HttpResponse:
    """The product page: its fields, variants, images and sale status."""
    product = selectors.product_get(pid=pid)
    if request.method == "GET":
        return _product_edit_response(request, product)
    form = ProductForm(request.POST, editing=True)
    if form.is_valid():
        updated = form_call(
            form,
            lambda: services.product_update(
                product=product, actor=request.user, **form.cleaned_data
            ),
        )
        if updated is not None:
            messages.success(request, gettext("Product saved."))
            return redirect("catalog_ops:product_edit", pid=product.public_id)
    return _product_edit_response(request, product, form=form, status=400)


@operator_view(roles=CATALOG_STAFF)
@require_POST
def product_sale(request: HttpRequest, pid: str) -> HttpResponse:
    """Put a product on sale, or take it off sale with a reason."""
    product = selectors.product_get(pid=pid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give a reason to take the product off sale."))
        return redirect("catalog_ops:product_edit", pid=product.public_id)
    on_sale = form.cleaned_data["on_sale"]
    flash_outcome(
        request,
        lambda: services.product_set_on_sale(
            product=product, on_sale=on_sale, reason=form.cleaned_data["reason"], actor=request.user
        ),
        success=(
            gettext("The product is on sale.") if on_sale else gettext("The product is off sale.")
        ),
    )
    return redirect("catalog_ops:product_edit", pid=product.public_id)


# --- Variants ---------------------------------------------------------------------------------


@operator_view(roles=CATALOG_STAFF)
@require_http_methods(["GET", "POST"])
def variant_add(request: HttpRequest, pid: str) -> HttpResponse:
    product = selectors.product_get(pid=pid)
    form = VariantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        variant = form_call(
            form,
            lambda: services.variant_add(
                product=product, actor=request.user, data=form.cleaned_data
            ),
        )
        if variant is not None:
            messages.success(request, gettext("Variant %(sku)s added.") % {"sku": variant.sku})
            return redirect("catalog_ops:product_edit", pid=product.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"product": product, "form": form, "variant": None}
    return render(request, "catalog/ops/variant_form.html", context, status=status)


@operator_view(roles=CATALOG_STAFF)
@require_http_methods(["GET", "POST"])
def variant_edit(request: HttpRequest, vid: str) -> HttpResponse:
    variant = selectors.variant_get(vid=vid)
    product = variant.product
    if request.method == "GET":
        form = VariantForm(
            initial={
                name: getattr(variant, name)
                for name in (
                    "sku",
                    "options",
                    "weight_g",
                    "length_mm",
                    "width_mm",
                    "height_mm",
                    "price_minor",
                    "suggested_price_minor",
                    "barcode",
                )
            },
        )
    else:
        form = VariantForm(request.POST)
        if form.is_valid():
            changes = dict(form.cleaned_data)
            if not changes["sku"]:
                del changes["sku"]  # an emptied SKU field keeps the current SKU
            updated = form_call(
                form,
                lambda: services.variant_update(variant=variant, actor=request.user, **changes),
            )
            if updated is not None:
                messages.success(request, gettext("Variant %(sku)s saved.") % {"sku": variant.sku})
                return redirect("catalog_ops:product_edit", pid=product.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"product": product, "form": form, "variant": variant}
    return render(request, "catalog/ops/variant_form.html", context, status=status)


@operator_view(roles=CATALOG_STAFF)
@require_POST
def variant_sale(request: HttpRequest, vid: str) -> HttpResponse:
    variant = selectors.variant_get(vid=vid)
    on_sale = request.POST.get("on_sale") == "True"
    flash_outcome(
        request,
        lambda: services.variant_set_on_sale(variant=variant, on_sale=on_sale, actor=request.user),
        success=(
            gettext("Variant %(sku)s is on sale.")
            if on_sale
            else gettext("Variant %(sku)s is off sale.")
        )
        % {"sku": variant.sku},
    )
    return redirect("catalog_ops:product_edit", pid=variant.product.public_id)


# --- Images -----------------------------------------------------------------------------------


@operator_view(roles=CATALOG_STAFF)
@require_POST
def image_add(request: HttpRequest, pid: str) -> HttpResponse:
    product = selectors.product_get(pid=pid)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("image", []):
            messages.error(request, error)
        return redirect("catalog_ops:product_edit", pid=product.public_id)
    flash_outcome(
        request,
        lambda: services.product_image_add(
            product=product, upload=form.cleaned_data["image"], actor=request.user
        ),
        success=gettext("Image added."),
    )
    return redirect("catalog_ops:product_edit", pid=product.public_id)


@operator_view(roles=CATALOG_STAFF)
@require_POST
def image_remove(request: HttpRequest, pk: int) -> HttpResponse:
    image = selectors.product_image_get(pk=pk)
    pid = image.product.public_id
    flash_outcome(
        request,
        lambda: services.product_image_remove(image=image, actor=request.user),
        success=gettext("Image removed."),
    )
    return redirect("catalog_ops:product_edit", pid=pid)


# --- Categories -------------------------------------------------------------------------------


@operator_view(roles=CATALOG_STAFF)
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    """The category tree and the form to add a category."""
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = form_call(form, lambda: services.category_create(**form.cleaned_data))
        if category is not None:
            messages.success(
                request, gettext("Category %(name)s created.") % {"name": category.name}
            )
            return redirect("catalog_ops:category_list")
    status = 400 if request.method == "POST" else 200
    context = {"tree": selectors.category_tree(), "form": form}
    return render(request, "catalog/ops/category_list.html", context, status=status)


# --- Improper-product reports -----------------------------------------------------------------


@operator_view(roles=CATALOG_STAFF)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    status = ReportFilterForm(request.GET).status_value()
    return list_page(
        request,
        queryset=selectors.report_list(status=None if status == ALL else status),
        filterset_class=ListFilterSet,  # the status tabs are the only filter
        table_class=ReportTable,
        template="catalog/ops/report_list.html",
        export_name="product-reports",
        context={
            "title": gettext("Product reports"),
            "status": status,
            "tabs": [*ReportStatus.choices, (ALL, gettext("All"))],
            "noun": gettext_noop("report"),
            "noun_plural": gettext_noop("reports"),
            "empty_text": gettext("No reports are waiting for review.")
            if status == "pending"
            else gettext("No reports here."),
        },
    )


def _report_detail_response(
    request: HttpRequest, report, *, dismiss_form=None, off_sale_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "report": report,
        "dismiss_form": dismiss_form or ReportDismissForm(),
        "off_sale_form": off_sale_form or ReportTakeOffSaleForm(),
    }
    return render(request, "catalog/ops/report_detail.html", context, status=status)


@operator_view(roles=CATALOG_STAFF)
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_detail_response(request, selectors.report_get(pk=pk))


def _report_decision(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[ReportDismissForm] | type[ReportTakeOffSaleForm],
    form_name: str,
    decide: Callable[[ImproperReport, dict], object],
    success: str,
) -> HttpResponse:
    """Validate a decision form: re-show the report with its errors, or run ``decide`` and flash."""
    report = selectors.report_get(pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _report_detail_response(request, report, status=400, **{form_name: form})
    flash_outcome(request, lambda: decide(report, form.cleaned_data), success=success)
    return redirect("catalog_ops:report_detail", pk=report.pk)


@operator_view(roles=CATALOG_STAFF)
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_decision(
        request,
        pk,
        form_class=ReportDismissForm,
        form_name="dismiss_form",
        decide=lambda report, data: services.report_dismiss(
            report=report, note=data["note"], actor=request.user
        ),
        success=gettext("Report dismissed."),
    )


@operator_view(roles=CATALOG_STAFF)
@require_POST
def report_take_off_sale(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_decision(
        request,
        pk,
        form_class=ReportTakeOffSaleForm,
        form_name="off_sale_form",
        decide=lambda report, data: services.report_take_off_sale(
            report=report, reason=data["reason"], actor=request.user
        ),
        success=gettext("The product is off sale and the report is closed."),
    )
