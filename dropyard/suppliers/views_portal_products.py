"""Supplier portal: the home page and the supplier's products (drafts reviewed by an operator).

Every object is looked up through a selector scoped to ``request.supplier``: another
supplier's product answers 404.
"""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.core.access import supplier_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import SearchFilter, list_page
from dropyard.core.money import Money
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .choices import ReviewStatus
from .forms import PicturesForm, SupplierProductForm, SupplierVariantForm
from .lists import SupplierProductTable, status_badge
from .models import SupplierProductReview

VARIANT_FIELDS = (
    "options",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "price_minor",
    "suggested_price_minor",
    "barcode",
)


@supplier_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Company, status, counts and what to do next."""
    supplier = request.supplier
    summary = selectors.portal_summary(supplier=supplier)
    context = {
        "supplier": supplier,
        "summary": summary,
        "status_rows": [
            (status, label, summary.by_status.get(status, 0))
            for status, label in ReviewStatus.choices
        ],
    }
    return render(request, "suppliers/portal/home.html", context)


@supplier_view
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    supplier = request.supplier
    return list_page(
        request,
        queryset=selectors.supplier_product_list(supplier=supplier),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": partial(selectors.supplier_product_list, supplier=supplier),
            "placeholder": gettext("Name or SKU"),
        },
        table_class=SupplierProductTable,
        template="suppliers/portal/product_list.html",
        export_name="supplier-products",
        context={
            "title": gettext("My products"),
            "noun": gettext_noop("product"),
            "noun_plural": gettext_noop("products"),
            "empty_template": "suppliers/portal/partials/_product_empty.html",
        },
    )


@supplier_view
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    """A new product as a draft, with its first variant and pictures."""
    form = SupplierProductForm(request.POST or None)
    variant_form = SupplierVariantForm(request.POST or None, prefix="variant")
    pictures = PicturesForm(request.POST or None, request.FILES or None)
    valid = all([form.is_valid(), variant_form.is_valid(), pictures.is_valid()])
    if request.method == "POST" and valid:
        data = dict(form.cleaned_data)
        review = form_call(
            form,
            lambda: services.supplier_product_create(
                supplier=request.supplier,
                actor=request.user,
                name=data.pop("name"),
                category=data.pop("category"),
                variant=variant_form.cleaned_data,
                images=pictures.cleaned_data["images"],
                **data,
            ),
        )
        if review is not None:
            messages.success(
                request,
                gettext("Draft saved. Submit it for review when it is complete."),
            )
            return redirect("suppliers_portal:product", pid=review.product.public_id)
    context = {"form": form, "variant_form": variant_form, "pictures": pictures}
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/portal/product_new.html", context, status=status)


def _product_response(
    request: HttpRequest,
    review: SupplierProductReview,
    *,
    form: SupplierProductForm | None = None,
    variant_form: SupplierVariantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    product = review.product
    variants = list(product.variants.order_by("position", "pk"))
    context = {
        "review": review,
        "product": product,
        "badge": status_badge(review),
        "editable": review.is_editable,
        "form": form
        or SupplierProductForm(
            initial={
                "name": product.name,
                "category": product.category_id,
                "description_html": product.description_html,
                "hs_code": product.hs_code,
                "material": product.material,
                "packing": product.packing,
            }
        ),
        "variant_form": variant_form or SupplierVariantForm(prefix="variant"),
        "pictures": PicturesForm(),
        "variant_rows": [
            (v, Money(v.price_minor, v.currency), Money(v.suggested_price_minor, v.currency))
            for v in variants
        ],
        "images": list(product.images.order_by("position", "pk")),
        "events": list(review.events.select_related("actor")),
    }
    return render(request, "suppliers/portal/product.html", context, status=status)


@supplier_view
@require_http_methods(["GET", "POST"])
def product(request: HttpRequest, pid: str) -> HttpResponse:
    """The product, its review and history; its fields are editable while DRAFT or REJECTED."""
    review = selectors.supplier_product_get(supplier=request.supplier, pid=pid)
    if request.method == "GET":
        return _product_response(request, review)
    form = SupplierProductForm(request.POST)
    if form.is_valid():
        saved = form_call(
            form,
            lambda: services.supplier_product_update(
                review=review, actor=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, gettext("Product saved."))
            return redirect("suppliers_portal:product", pid=pid)
    return _product_response(request, review, form=form, status=400)


@supplier_view
def product_variant_add(request: HttpRequest, pid: str) -> HttpResponse:
    review = selectors.supplier_product_get(supplier=request.supplier, pid=pid)
    if request.method != "POST":  # looked up first: another supplier's id is a 404
        return HttpResponseNotAllowed(["POST"])
    variant_form = SupplierVariantForm(request.POST, prefix="variant")
    if variant_form.is_valid():
        variant = form_call(
            variant_form,
            lambda: services.supplier_product_variant_add(
                review=review, actor=request.user, data=variant_form.cleaned_data
            ),
        )
        if variant is not None:
            messages.success(request, gettext("Variant %(sku)s added.") % {"sku": variant.sku})
            return redirect("suppliers_portal:product", pid=pid)
    return _product_response(request, review, variant_form=variant_form, status=400)


@supplier_view
@require_http_methods(["GET", "POST"])
def product_variant_edit(request: HttpRequest, pid: str, vid: str) -> HttpResponse:
    """One variant of an editable product: options, weight, dimensions, prices."""
    review = selectors.supplier_product_get(supplier=request.supplier, pid=pid)
    variant = review.product.variants.filter(public_id=vid).first()
    if variant is None:
        raise Http404("Variant not found")
    if request.method == "GET":
        form = SupplierVariantForm(initial={f: getattr(variant, f) for f in VARIANT_FIELDS})
    else:
        form = SupplierVariantForm(request.POST)
        if form.is_valid():
            saved = form_call(
                form,
                lambda: services.supplier_product_variant_update(
                    review=review, variant=variant, actor=request.user, **form.cleaned_data
                ),
            )
            if saved is not None:
                messages.success(request, gettext("Variant %(sku)s saved.") % {"sku": variant.sku})
                return redirect("suppliers_portal:product", pid=pid)
    context = {"review": review, "product": review.product, "variant": variant, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/portal/variant_form.html", context, status=status)


@supplier_view
def product_pictures(request: HttpRequest, pid: str) -> HttpResponse:
    """Add pictures to an editable product (each checked by the catalog image service)."""
    review = selectors.supplier_product_get(supplier=request.supplier, pid=pid)
    if request.method != "POST":  # looked up first: another supplier's id is a 404
        return HttpResponseNotAllowed(["POST"])
    pictures = PicturesForm(request.POST, request.FILES)
    if not pictures.is_valid() or not pictures.cleaned_data["images"]:
        messages.error(request, gettext("Choose at least one picture."))
        return redirect("suppliers_portal:product", pid=pid)
    added = 0
    for upload in pictures.cleaned_data["images"]:
        try:
            services.supplier_product_image_add(review=review, actor=request.user, upload=upload)
        except DomainError as exc:
            messages.error(request, f"{upload.name}: {exc.message}")
        else:
            added += 1
    if added:
        messages.success(request, gettext("Pictures added: %(n)s.") % {"n": added})
    return redirect("suppliers_portal:product", pid=pid)


@supplier_view
def product_submit(request: HttpRequest, pid: str) -> HttpResponse:
    """Send a draft (or a fixed rejected product) to the operators' review."""
    review = selectors.supplier_product_get(supplier=request.supplier, pid=pid)
    if request.method != "POST":  # looked up first: another supplier's id is a 404
        return HttpResponseNotAllowed(["POST"])
    flash_outcome(
        request,
        lambda: services.supplier_product_transition(
            review=review, to=ReviewStatus.SUBMITTED, actor=request.user, request=request
        ),
        success=gettext("Submitted for review. We will notify you of the decision."),
    )
    return redirect("suppliers_portal:product", pid=pid)
