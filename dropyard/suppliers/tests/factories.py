"""Test data for the supplier portal, made through the real services."""

from typing import Any

from dropyard.accounts import services as account_services
from dropyard.accounts.models import Supplier, User
from dropyard.accounts.tests.factories import SupplierApplicationFactory, UserFactory, make_operator
from dropyard.catalog.tests.factories import make_category_path

from .. import services
from ..choices import ReviewStatus
from ..models import SupplierProductReview


def make_supplier(
    *, company_name: str = "Good Factory Co", reviewer: User | None = None
) -> Supplier:
    """An approved supplier (its application approved by a support operator)."""
    application = SupplierApplicationFactory(applicant=UserFactory(), company_name=company_name)
    return account_services.supplier_application_approve(
        application=application, actor=reviewer or make_operator(role="support")
    )


def variant_data(**overrides: Any) -> dict[str, Any]:
    return {
        "options": {"Color": "Red"},
        "weight_g": 250,
        "length_mm": 100,
        "width_mm": 80,
        "height_mm": 30,
        "price_minor": 1250,
        "suggested_price_minor": 2999,
        "barcode": "",
        **overrides,
    }


def make_draft(
    *, supplier: Supplier, name: str = "Steel bottle", **fields: Any
) -> SupplierProductReview:
    """A DRAFT product of ``supplier`` with one variant (USD 12.50)."""
    fields.setdefault("category", make_category_path())
    fields.setdefault("variant", variant_data())
    return services.supplier_product_create(
        supplier=supplier, actor=supplier.user, name=name, **fields
    )


def make_submitted(*, supplier: Supplier, **fields: Any) -> SupplierProductReview:
    review = make_draft(supplier=supplier, **fields)
    return services.supplier_product_transition(
        review=review, to=ReviewStatus.SUBMITTED, actor=supplier.user
    )


def make_approved(
    *, supplier: Supplier, reviewer: User | None = None, **fields: Any
) -> SupplierProductReview:
    review = make_submitted(supplier=supplier, **fields)
    return services.supplier_product_transition(
        review=review,
        to=ReviewStatus.APPROVED,
        actor=reviewer or make_operator(role="support"),
    )
