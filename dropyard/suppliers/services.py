"""Supplier portal writes: the supplier's products (drafts reviewed by an operator before they go
on sale), its warehouse and its stock levels.

Every catalog and inventory change goes through those apps' services (search index, prices,
image hashes, stock movements and their audit stay theirs). Invariants kept here:

- a supplier's product is off sale until its review is APPROVED, and then put on sale by
  ``supplier_product_transition``, the only function that changes a review's status (one
  history row and one SUPPLIER_PRODUCT audit event per move, in the same transaction);
- a supplier edits its products only while DRAFT or REJECTED, and stocks only APPROVED ones,
  only in its own warehouse (kind SUPPLIER, its supplier).
"""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import Supplier, User
from dropyard.accounts.notifications import notify
from dropyard.catalog import services as catalog_services
from dropyard.catalog.models import Category, Product, Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.inventory import services as inventory_services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, StockMovement, Warehouse

from .choices import EDITABLE, ReviewStatus, can_transition
from .exceptions import ReviewTransitionRefused, SupplierPortalError
from .models import SupplierProductReview, SupplierProductReviewEvent
from .selectors import supplier_warehouse_get

# Operator roles that review supplier products (the catalog's back-office staff).
REVIEWER_ROLES = frozenset({OperatorRole.ADMIN, OperatorRole.SUPPORT})
# What the catalog shows as the off-sale reason of a product under review.
DRAFT_OFF_SALE_REASON = "Supplier product awaiting review"
# The product fields a supplier may set (the rest, e.g. product type, stay the operator's).
PRODUCT_FIELDS = frozenset(
    {"name", "category", "description_html", "hs_code", "material", "packing", "properties"}
)
VARIANT_FIELDS = frozenset(
    {
        "options",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "price_minor",
        "suggested_price_minor",
        "barcode",
    }
)


def _check_supplier(supplier: Supplier, actor: User) -> None:
    if not supplier.is_active or supplier.user_id != actor.pk:
        raise SupplierPortalError(_("Only the supplier itself can do this"))


def _check_editable(review: SupplierProductReview) -> None:
    if review.status not in EDITABLE:
        raise ReviewTransitionRefused(
            _("This product is %(status)s and can no longer be edited")
            % {"status": review.get_status_display()}
        )


def _only(values: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = set(values) - allowed
    if unknown:
        raise SupplierPortalError(
            _("Cannot change: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    return values


def _audit(review: SupplierProductReview, actor: User, event: str, **details: Any) -> None:
    audit_record(
        action=AuditAction.SUPPLIER_PRODUCT,
        actor=actor,
        target=review.product,
        target_label=f"{review.product.sku} ({review.supplier.company_name})",
        details={"event": event, "review": review.pk, **details},
    )


# --- Products -----------------------------------------------------------------------------------


@transaction.atomic
def supplier_product_create(
    *,
    supplier: Supplier,
    actor: User,
    name: str,
    category: Category,
    variant: dict[str, Any],
    images: list[UploadedFile] | tuple[UploadedFile, ...] = (),
    **fields: Any,
) -> SupplierProductReview:
    """Create the supplier's product as a DRAFT: off sale (so not searchable nor orderable),
    ``supplier`` set, one variant, optional pictures (validated by the catalog image service).
    """
    _check_supplier(supplier, actor)
    _only(fields, PRODUCT_FIELDS)
    product = catalog_services.product_create(
        actor=actor,
        supplier=supplier,
        name=name,
        category=category,
        variants=[_only(dict(variant), VARIANT_FIELDS)],
        **fields,
    )
    # Same transaction: nobody ever sees it on sale.
    catalog_services.product_set_on_sale(
        product=product, on_sale=False, reason=DRAFT_OFF_SALE_REASON, actor=actor
    )
    for upload in images:
        catalog_services.product_image_add(product=product, upload=upload, actor=actor)
    review = SupplierProductReview.objects.create(product=product, supplier=supplier)
    _audit(review, actor, "created")
    return review


@transaction.atomic
def supplier_product_update(
    *, review: SupplierProductReview, actor: User, **changes: Any
) -> SupplierProductReview:
    """Change the product's own fields while the review is DRAFT or REJECTED."""
    _check_supplier(review.supplier, actor)
    _check_editable(review)
    catalog_services.product_update(
        product=review.product, actor=actor, **_only(changes, PRODUCT_FIELDS)
    )
    review.save(update_fields=["updated_at"])
    return review


@transaction.atomic
def supplier_product_variant_add(
    *, review: SupplierProductReview, actor: User, data: dict[str, Any]
) -> Variant:
    """Add a variant (options, weight, dimensions, prices in minor units) to an editable product."""
    _check_supplier(review.supplier, actor)
    _check_editable(review)
    variant = catalog_services.variant_add(
        product=review.product, actor=actor, data=_only(dict(data), VARIANT_FIELDS)
    )
    review.save(update_fields=["updated_at"])
    return variant


@transaction.atomic
def supplier_product_variant_update(
    *, review: SupplierProductReview, variant: Variant, actor: User, **changes: Any
) -> Variant:
    """Change one of the product's variants while the product is editable."""
    _check_supplier(review.supplier, actor)
    _check_editable(review)
    if variant.product_id != review.product_id:
        raise SupplierPortalError(_("This variant belongs to another product"))
    catalog_services.variant_update(variant=variant, actor=actor, **_only(changes, VARIANT_FIELDS))
    review.save(update_fields=["updated_at"])
    return variant


@transaction.atomic
def supplier_product_image_add(
    *, review: SupplierProductReview, actor: User, upload: UploadedFile
) -> None:
    """Add a picture (a real image, ≤ 5 MB: the catalog image service checks) while editable."""
    _check_supplier(review.supplier, actor)
    _check_editable(review)
    catalog_services.product_image_add(product=review.product, upload=upload, actor=actor)
    review.save(update_fields=["updated_at"])


def _check_actor_for(review: SupplierProductReview, to: str, actor: User, reason: str) -> None:
    if to == ReviewStatus.SUBMITTED:
        _check_supplier(review.supplier, actor)
        return
    if actor.operator_role not in REVIEWER_ROLES:
        raise SupplierPortalError(_("Only catalog operators review supplier products"))
    if actor.pk == review.supplier.user_id:
        raise SupplierPortalError(_("Nobody reviews their own product"))
    if to == ReviewStatus.REJECTED and not reason:
        raise SupplierPortalError(_("A rejection needs a reason the supplier will see"))


def _notify_decision(review: SupplierProductReview, actor: User) -> None:
    approved = review.status == ReviewStatus.APPROVED
    notify(
        users=[review.supplier.user],
        kind=f"supplier.product.{review.status}",
        title=(
            gettext_noop("Your product %(name)s was approved")
            if approved
            else gettext_noop("Your product %(name)s was rejected")
        ),
        body=(
            gettext_noop("It is now on sale. Set its stock in your warehouse.")
            if approved
            else gettext_noop("Reason: %(reason)s")
        ),
        params={"name": review.product.name, "reason": review.reason},
        url=reverse("suppliers_portal:product", kwargs={"pid": review.product.public_id}),
        exclude=actor,
    )


@transaction.atomic
def supplier_product_transition(
    *,
    review: SupplierProductReview,
    to: str,
    actor: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> SupplierProductReview:
    """Move a review along ``choices.TRANSITIONS`` — the only writer of its status.

    SUBMITTED: by the supplier (DRAFT or REJECTED). APPROVED: by a catalog operator; the product
    goes on sale. REJECTED: by a catalog operator, with a reason; the product stays off sale and
    editable. Each move writes one history row and one audit event; a decision notifies the
    supplier (bell and email, after commit). Nobody decides on their own product.
    """
    review = SupplierProductReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    reason = (reason or "").strip()[:1000]
    if not can_transition(review.status, to):
        raise ReviewTransitionRefused(
            _("A product that is %(status)s cannot be moved to %(to)s")
            % {"status": review.get_status_display(), "to": dict(ReviewStatus.choices).get(to, to)}
        )
    _check_actor_for(review, to, actor, reason)
    before = review.status
    now = timezone.now()
    review.status = to
    if to == ReviewStatus.SUBMITTED:
        review.submitted_at, review.reviewer, review.decided_at, review.reason = now, None, None, ""
    else:
        review.reviewer, review.decided_at = actor, now
        review.reason = reason if to == ReviewStatus.REJECTED else ""
    review.save()
    if to == ReviewStatus.APPROVED:
        catalog_services.product_set_on_sale(product=review.product, on_sale=True, actor=actor)
    SupplierProductReviewEvent.objects.create(
        review=review, from_status=before, to_status=to, actor=actor, note=reason
    )
    _audit(review, actor, to, before=before, reason=reason)
    if to in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        _notify_decision(review, actor)
    return review


# --- Warehouse and stock --------------------------------------------------------------------------

WAREHOUSE_FIELDS = frozenset(
    {
        "name",
        "country",
        "region",
        "city",
        "address1",
        "address2",
        "postcode",
        "contact_name",
        "contact_phone",
    }
)


def _warehouse_code(supplier: Supplier) -> str:
    base = f"SUP{supplier.pk}"
    code, n = base, 1
    while Warehouse.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def supplier_warehouse_save(*, supplier: Supplier, actor: User, **fields: Any) -> Warehouse:
    """Create the supplier's warehouse (kind SUPPLIER, not platform-verified) or change its
    name, country, address and contact. One per supplier: a second save edits the first."""
    _check_supplier(supplier, actor)
    _only(fields, WAREHOUSE_FIELDS)
    warehouse = supplier_warehouse_get(supplier=supplier)
    if warehouse is None:
        return inventory_services.warehouse_create(
            code=_warehouse_code(supplier),
            kind=WarehouseKind.SUPPLIER,
            supplier=supplier,
            actor=actor,
            is_verified=False,
            **fields,
        )
    return inventory_services.warehouse_update(warehouse=warehouse, actor=actor, **fields)


@transaction.atomic
def supplier_stock_set(
    *, supplier: Supplier, variant: Variant, quantity: int, actor: User, reason: str
) -> StockMovement | None:
    """Set the on-hand units of one of the supplier's approved variants in its warehouse.

    The difference goes through the inventory service (a receipt for a new row, an adjustment
    otherwise: audited there, with ``reason``); None when nothing changes. Refused for another
    supplier's or an unapproved product, without a warehouse, without a reason, or below the
    units already reserved for orders.
    """
    _check_supplier(supplier, actor)
    product: Product = variant.product
    approved = SupplierProductReview.objects.filter(
        product=product, supplier=supplier, status=ReviewStatus.APPROVED
    ).exists()
    if product.supplier_id != supplier.pk or not approved:
        raise SupplierPortalError(_("Only your own approved products can be stocked"))
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise SupplierPortalError(_("The quantity must be a whole number ≥ 0"))
    reason = (reason or "").strip()
    if not reason:
        raise SupplierPortalError(_("Say why the stock changes (e.g. a stock count)"))
    warehouse = supplier_warehouse_get(supplier=supplier)
    if warehouse is None:
        raise SupplierPortalError(_("Set up your warehouse first"))
    stock = Stock.objects.filter(variant=variant, warehouse=warehouse, merchant=None).first()
    if stock is None:
        if quantity == 0:
            return None
        return inventory_services.stock_receive(
            variant=variant, warehouse=warehouse, quantity=quantity, actor=actor, reason=reason
        )
    delta = quantity - stock.on_hand
    if delta == 0:
        return None
    return inventory_services.stock_adjust(stock=stock, delta=delta, actor=actor, reason=reason)
