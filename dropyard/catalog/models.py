"""Catalog: categories, products (SPU) and variants (SKU), images, reviews, reports, My Products."""

from django.conf import settings
from django.db import models

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import ProductType, ReportReason, ReportStatus


class Category(models.Model):
    """A node of the three-level category tree. Invariant: ``level`` is parent's level + 1, ≤ 3."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["level", "position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="category_level_1_to_3"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """A product (SPU). Prices live on variants, in integer minor units of USD.

    Invariants: ``public_id`` (the contract's pid) and ``sku`` never change; ``properties`` holds
    only ShippingProperty values; ``description_html`` is sanitised on write by the service.
    A product is sellable only while it and the variant are on sale.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    supplier = models.ForeignKey(
        "accounts.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    product_type = models.CharField(
        max_length=32, choices=ProductType.choices, default=ProductType.ORDINARY
    )
    description_html = models.TextField(blank=True)
    hs_code = models.CharField(max_length=20, blank=True)
    material = models.CharField(max_length=120, blank=True)
    packing = models.CharField(max_length=120, blank=True)
    properties = models.JSONField(default=list, blank=True)  # ShippingProperty values
    is_on_sale = models.BooleanField(default=True, db_index=True)
    off_sale_reason = models.CharField(max_length=300, blank=True)
    # Listings = My Products saves (one per merchant): kept equal to the number of MyProduct
    # rows by my_product_add / my_product_remove (F() updates), for sorting and listedNum.
    listed_count = models.PositiveIntegerField(default=0)
    # The product video (contract isVideo / productType 10-11 / productFlag 2); "" = none.
    video_url = models.URLField(max_length=500, blank=True, default="", db_default="")
    # A product sourced for one merchant only (``sourcing``): visible to that merchant and
    # operators, never listed in the public catalog or search. Null = public.
    private_for = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="private_products",
    )
    # Denormalised for search and sorting (kept by catalog services): lowest variant price.
    min_price_minor = models.BigIntegerField(default=0, db_index=True)
    max_price_minor = models.BigIntegerField(default=0)
    # Stock aggregates, denormalised for search (stock filters, country filter, inventory
    # sort) and kept by ``inventory.aggregates`` in the transaction of every stock change:
    # available (on hand − reserved) shared stock in active warehouses, and the countries of
    # active warehouses holding a shared stock row of the product, as ",CN,US," ("" = none).
    # Never written by catalog code. Added by raw SQL in migration 0005 (see there why).
    # Deliberately not indexed: every shared stock movement rewrites them, and an indexed
    # column would make each of those PostgreSQL updates non-HOT (a new entry in every index
    # of the product table, the GIN search index included).
    stock_available = models.BigIntegerField(default=0, db_default=0)
    stock_countries = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["category", "is_on_sale"]),
            models.Index(fields=["-listed_count"]),
            # Search sorts without a keyword ("newest", price) over on-sale products.
            models.Index(fields=["-created_at", "-id"], name="catalog_product_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Variant(TimeStampedModel):
    """A sellable variant (SKU) of a product, with its own price, weight and dimensions.

    Invariants: weight in grams, dimensions in millimetres, prices in USD minor units, all ≥ 0;
    ``options`` maps option name → value (e.g. {"Color": "Red", "Size": "M"}).
    """

    public_id = models.CharField(max_length=40, unique=True, default=new_public_id)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=60, unique=True)
    options = models.JSONField(default=dict, blank=True)
    weight_g = models.PositiveIntegerField()
    length_mm = models.PositiveIntegerField(default=0)
    width_mm = models.PositiveIntegerField(default=0)
    height_mm = models.PositiveIntegerField(default=0)
    price_minor = models.BigIntegerField()  # our sell price to merchants (cost to them)
    suggested_price_minor = models.BigIntegerField(default=0)  # suggested retail price
    currency = models.CharField(max_length=3, default="USD")
    barcode = models.CharField(max_length=40, blank=True)
    image = models.ForeignKey(
        "ProductImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_on_sale = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0, suggested_price_minor__gte=0),
                name="variant_prices_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def name(self) -> str:
        return f"{self.product.name} {self.options_label}".strip()

    @property
    def options_label(self) -> str:
        """The option values alone ("Red / M"), for places that show the product name already."""
        return " / ".join(str(v) for v in self.options.values())

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product.public_id}/{filename}"


class ProductImage(models.Model):
    """An uploaded product image with generated smaller copies; position 0 is the main image.

    Invariant: ``renditions`` maps a width in px (as a string, JSON keys) to the stored name of a
    JPEG copy of ``image`` that wide (``catalog.pictures.RENDITION_WIDTHS``, never wider than the
    original), written once when the image is saved; ``width``/``height`` are the original's
    pixels (0 until the renditions exist). Pages pick one with ``srcset`` (``product_picture``).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path)
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True)
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renditions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["product", "position", "pk"]

    def __str__(self) -> str:
        return f"image {self.position} of {self.product_id}"


class Review(models.Model):
    """A buyer review of a product. Invariant: 1 ≤ rating ≤ 5."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True)
    reviewer_name = models.CharField(max_length=120)
    reviewed_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.reviewer_name}"


class ReviewPhoto(models.Model):
    """A photo attached to a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reviews/")

    def __str__(self) -> str:
        return f"photo of review {self.review_id}"


class ImproperReport(TimeStampedModel):
    """A merchant's report of an improper product and the operator's decision.

    Invariant: decided once (pending → dismissed | actioned) with reviewer, time and note.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reports")
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="product_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.product_id} ({self.status})"


class MyProduct(TimeStampedModel):
    """A product a merchant saved to "My Products". Invariant: once per (merchant, product)."""

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="my_products"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="saved_by")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "product"], name="myproduct_unique")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} ♥ {self.product_id}"


class ProductImageHash(models.Model):
    """One perceptual hash (imagehash's 64-bit pHash) of a product image, for search by image.

    Each image gets one row per crop in ``catalog.imagehashing.INDEX_CROPS`` (the whole picture
    and centred crops), so a query that is a slightly cropped copy still lands near one of them.
    Invariants: written by the service that saves the image, in its transaction (or by the
    backfill); ``value`` is the hash as a signed 64-bit integer and ``band0..band3`` are its four
    16-bit slices (most significant first), each indexed, so near hashes are found with indexed
    equality lookups (``catalog.image_search``) rather than a scan. ``product`` repeats the
    image's product so the lookup scopes without a join through the image.
    """

    image = models.ForeignKey(ProductImage, on_delete=models.CASCADE, related_name="hashes")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    crop_permille = models.PositiveSmallIntegerField(default=0)
    value = models.BigIntegerField()
    band0 = models.PositiveIntegerField(db_index=True)
    band1 = models.PositiveIntegerField(db_index=True)
    band2 = models.PositiveIntegerField(db_index=True)
    band3 = models.PositiveIntegerField(db_index=True)

    class Meta:
        ordering = ["image", "crop_permille"]
        constraints = [
            models.UniqueConstraint(fields=["image", "crop_permille"], name="image_hash_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    band0__lte=0xFFFF, band1__lte=0xFFFF, band2__lte=0xFFFF, band3__lte=0xFFFF
                ),
                name="image_hash_bands_16_bit",
            ),
        ]

    def __str__(self) -> str:
        return f"phash {self.value & 0xFFFFFFFFFFFFFFFF:016x} of image {self.image_id}"


class SearchDoc(models.Model):
    """PostgreSQL's narrow copy of an on-sale product's search words and markers, for counts.

    Invariant (kept by the database trigger of migration 0009, whatever writes the product): a
    row exists exactly for each on-sale product whose ``search_keys`` are not empty, and its
    ``keys`` column (text[], GIN; added by that migration on PostgreSQL only, so it is not a
    field here) holds the product's ``search_keys`` without the name keys (``n:``), the pair
    keys (``p:``) and ``~sale``. A capped keyword count reads these ~200-byte rows instead of
    the ~900-byte product rows (up to 6000 counted matches visit about a quarter of the heap
    pages), partition by partition (16 hash partitions), stopping at the cap, so a common
    word's index bitmap is built for a sixteenth of the catalog (docs/benchmarks.md). Never
    written by Django; on SQLite the table stays empty.
    """

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"search doc of {self.product_id}"


class MerchantPrice(TimeStampedModel):
    """A price for one merchant on one variant, agreed by the agent in a price negotiation.

    Invariant: one row per (merchant, variant); ``price_minor`` (USD minor units, > 0) replaces
    the variant's list price for that merchant wherever an order line is priced
    (``selectors.unit_price_for``); ``reference`` names what set it (a negotiation's id).
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="merchant_prices"
    )
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="merchant_prices")
    price_minor = models.BigIntegerField()
    reference = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "variant"], name="merchant_price_unique"),
            models.CheckConstraint(
                condition=models.Q(price_minor__gt=0), name="merchant_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.variant_id}: {self.price_minor}"
