"""The merchant's pricing rules and the listings of Dropyard products on stores (the listing
wizard's records). Imported by ``stores.models`` so Django registers them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import ListingStatus, PriceRounding
from .pricing import RuleTerms


def _decimal(basis_points: int) -> str:
    whole, part = divmod(basis_points, 10_000)
    return f"{whole}.{part:04d}".rstrip("0").rstrip(".")


class PricingRule(TimeStampedModel):
    """How one merchant prices listed products: ``stores.pricing.price_compute`` of the rule's
    terms, for all stores or one (``store``), all categories or one and its sub-categories
    (``category``). Priority when several apply: store and category > store > category > the
    merchant default (neither set).

    Invariants: at most one rule per ``(merchant, store, category)`` scope (four conditional
    unique constraints, since NULLs are distinct in a plain one); ``store`` is the merchant's
    (the services check it); ``multiplier_bp`` in 1…1 000 000 (×0.0001…×100),
    ``add_minor`` ≥ 0, ``compare_at_bp`` 0 (none) or above 10 000 (above the price).
    Money is in the catalog currency's minor units (USD, like ``Variant.price_minor``).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="pricing_rules"
    )
    store = models.ForeignKey(
        "stores.Store", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    multiplier_bp = models.PositiveIntegerField(default=20_000)
    add_minor = models.BigIntegerField(default=0)
    rounding = models.CharField(
        max_length=4, choices=PriceRounding.choices, default=PriceRounding.NINETY_NINE
    )
    compare_at_bp = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["merchant", "store__name", "category__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant"],
                condition=Q(store__isnull=True, category__isnull=True),
                name="pricing_rule_one_default",
            ),
            models.UniqueConstraint(
                fields=["merchant", "store"],
                condition=Q(store__isnull=False, category__isnull=True),
                name="pricing_rule_one_per_store",
            ),
            models.UniqueConstraint(
                fields=["merchant", "category"],
                condition=Q(store__isnull=True, category__isnull=False),
                name="pricing_rule_one_per_category",
            ),
            models.UniqueConstraint(
                fields=["merchant", "store", "category"],
                condition=Q(store__isnull=False, category__isnull=False),
                name="pricing_rule_one_per_store_category",
            ),
            models.CheckConstraint(
                condition=Q(multiplier_bp__gte=1, multiplier_bp__lte=1_000_000)
                & Q(add_minor__gte=0)
                & (Q(compare_at_bp=0) | Q(compare_at_bp__gt=10_000)),
                name="pricing_rule_terms_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label}: {self.multiplier_label}"

    @property
    def scope_label(self) -> str:
        """What the rule applies to, in English (audit labels, ``__str__``)."""
        return self.scope_text()

    @property
    def scope_display(self) -> str:
        """What the rule applies to, in the reader's language (the pricing rules list)."""
        return self.scope_text(gettext)

    def scope_text(self, translate=str) -> str:
        """What the rule applies to, each text passed through ``translate`` (gettext, or none)."""
        if self.store_id and self.category_id:
            return f"{self.store.name} · {self.category.name}"
        if self.store_id:
            return translate(gettext_noop("%(store)s (all categories)")) % {
                "store": self.store.name
            }
        if self.category_id:
            return translate(gettext_noop("%(category)s (all stores)")) % {
                "category": self.category.name
            }
        return translate(gettext_noop("Default (all stores, all categories)"))

    @property
    def multiplier_label(self) -> str:
        """ "×2.5" (exact: basis points shown as a decimal without trailing zeros)."""
        return f"×{_decimal(self.multiplier_bp)}"

    @property
    def compare_at_factor(self) -> str:
        """ "×1.3" of the price, or "" when the rule sets no compare-at price."""
        return f"×{_decimal(self.compare_at_bp)}" if self.compare_at_bp else ""

    @property
    def compare_at_label(self) -> str:
        return f"price {self.compare_at_factor}" if self.compare_at_bp else ""

    @property
    def terms(self) -> RuleTerms:
        return RuleTerms(
            multiplier_bp=self.multiplier_bp,
            add_minor=self.add_minor,
            rounding=self.rounding,
            compare_at_bp=self.compare_at_bp,
        )


class Listing(TimeStampedModel):
    """One Dropyard product listed (or being listed) on one store, as the listing wizard sent
    it: title, description, chosen images and, per variant, the price used.

    Invariants: one row per ``(store, product)``; ``platform_product_id`` is set once the
    platform created the product and is reused to update it; ``error`` is non-empty exactly
    when FAILED (the platform's message); ``last_listed_at`` is the last successful listing.
    Written only by ``stores.services.listing``.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="listings")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="store_listings"
    )
    status = models.CharField(
        max_length=12, choices=ListingStatus.choices, default=ListingStatus.LISTING, db_index=True
    )
    error = models.TextField(blank=True)
    title = models.CharField(max_length=255)
    description_html = models.TextField(blank=True)
    image_ids = models.JSONField(default=list, blank=True)  # catalog ProductImage pks, in order
    platform_product_id = models.CharField(max_length=100, blank=True)
    last_listed_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["store", "-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "product"], name="listing_unique_product"),
            models.CheckConstraint(
                condition=Q(status=ListingStatus.FAILED, error__gt="")
                | (~Q(status=ListingStatus.FAILED) & Q(error="")),
                name="listing_error_iff_failed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.store_id} ({self.status})"


class ListingVariant(models.Model):
    """One variant of a listing, with what it was priced from and at.

    Invariants: one row per ``(listing, variant)``; ``cost_minor`` is the variant's catalog
    price when it was last priced (a different current cost, or the variant now off sale while
    ``on_sale`` is true, makes the listing out of date); ``price_minor`` ≥ 0 is the store price
    sent (``price_manual``: typed by the merchant rather than given by the rules, so a re-price
    keeps it); ``delisted``: its available quantity was set to 0 on the store.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="variants")
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="store_listings"
    )
    cost_minor = models.BigIntegerField()
    on_sale = models.BooleanField(default=True)
    price_minor = models.BigIntegerField()
    compare_at_minor = models.BigIntegerField(default=0)
    price_manual = models.BooleanField(default=False)
    platform_variant_id = models.CharField(max_length=100, blank=True)
    delisted = models.BooleanField(default=False)

    class Meta:
        ordering = ["listing", "variant__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "variant"], name="listing_variant_unique_variant"
            ),
            models.CheckConstraint(
                condition=Q(price_minor__gte=0, compare_at_minor__gte=0, cost_minor__gte=0),
                name="listing_variant_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} at {self.price_minor}"
