"""Supplier portal demo data (called by ``demo.loader.demo_load`` after the catalog): the demo
supplier's application approved by the support operator, its own warehouse in Shenzhen and
two of its products — created in the portal as drafts, submitted, approved (so on sale) —
with stock in that warehouse.

Through the real services: ``supplier_application_approve``, the supplier portal's
``supplier_product_create`` / ``supplier_product_transition`` / ``supplier_warehouse_save`` /
``supplier_stock_set`` (catalog and inventory services underneath: search index, stock
movements, audit).

Idempotent: the application is approved only while pending, the warehouse made only when the
supplier has none, the products only when the supplier has none.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from dropyard.accounts import services as accounts_services
from dropyard.accounts.choices import SupplierApplicationStatus
from dropyard.accounts.models import User
from dropyard.catalog.models import Category
from dropyard.suppliers import services as supplier_services
from dropyard.suppliers.choices import ReviewStatus
from dropyard.suppliers.models import SupplierProductReview
from dropyard.suppliers.selectors import supplier_warehouse_get

WAREHOUSE = {
    "name": "Bright Gadgets Factory Warehouse",
    "country": "CN",
    "region": "Guangdong",
    "city": "Shenzhen",
    "address1": "18 Keji Road, Nanshan District",
    "postcode": "518057",
    "contact_name": "Li Bright",
    "contact_phone": "+86 755 0000 0000",
}
# (name, HS code, material, colour of the picture, variants: (options, weight g, price minor,
# units in stock)).
PRODUCTS = (
    (
        "Bright Gadgets Magnetic Cable Organizer",
        "392690",
        "Silicone",
        (40, 120, 200),
        ((({"Color": "Blue"}), 35, 189, 150), (({"Color": "Black"}), 35, 189, 90)),
    ),
    (
        "Bright Gadgets Foldable Phone Stand",
        "830250",
        "Aluminium alloy",
        (200, 90, 40),
        ((({"Color": "Silver"}), 120, 459, 80),),
    ),
)


def _picture(color: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A plain drawn product picture (the portal's pictures go through the catalog checks)."""
    image = Image.new("RGB", (640, 640), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((140, 160, 500, 480), radius=60, fill=color)
    draw.ellipse((260, 260, 380, 380), fill=(250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _leaf_category() -> Category:
    preferred = Category.objects.filter(level=3, name__icontains="phone").order_by("pk").first()
    return preferred or Category.objects.filter(level=3).order_by("pk").first()


def load_suppliers(*, supplier_user: User, reviewer: User) -> list[str]:
    """Approve the demo supplier and give it a warehouse and two stocked products on sale."""
    created: list[str] = []
    application = supplier_user.supplier_applications.filter(
        status=SupplierApplicationStatus.PENDING
    ).first()
    if application is not None:
        accounts_services.supplier_application_approve(application=application, actor=reviewer)
        supplier_user.refresh_from_db()
        created.append("supplier application approved")
    supplier = supplier_user.supplier
    if supplier_warehouse_get(supplier=supplier) is None:
        supplier_services.supplier_warehouse_save(
            supplier=supplier, actor=supplier_user, **WAREHOUSE
        )
        created.append("supplier warehouse")
    category = _leaf_category()
    if SupplierProductReview.objects.filter(supplier=supplier).exists() or category is None:
        return created
    for name, hs_code, material, color, variants in PRODUCTS:
        (first, *more) = variants
        review = supplier_services.supplier_product_create(
            supplier=supplier,
            actor=supplier_user,
            name=name,
            category=category,
            hs_code=hs_code,
            material=material,
            description_html=f"<p>{name}, made in our Shenzhen factory.</p>",
            variant=_variant(first),
            images=[_picture(color, "demo-supplier.png")],
        )
        for extra in more:
            supplier_services.supplier_product_variant_add(
                review=review, actor=supplier_user, data=_variant(extra)
            )
        for to, actor in (
            (ReviewStatus.SUBMITTED, supplier_user),
            (ReviewStatus.APPROVED, reviewer),
        ):
            review = supplier_services.supplier_product_transition(
                review=review, to=to, actor=actor
            )
        for variant, (_options, _weight, _price, units) in zip(
            review.product.variants.order_by("position"), variants, strict=True
        ):
            supplier_services.supplier_stock_set(
                supplier=supplier,
                variant=variant,
                quantity=units,
                actor=supplier_user,
                reason="Opening stock count",
            )
    created.append(f"{len(PRODUCTS)} supplier products on sale with stock")
    return created


def _variant(spec) -> dict:
    options, weight_g, price_minor, _units = spec
    return {
        "options": options,
        "weight_g": weight_g,
        "length_mm": 120,
        "width_mm": 80,
        "height_mm": 20,
        "price_minor": price_minor,
        "suggested_price_minor": price_minor * 3,
    }
