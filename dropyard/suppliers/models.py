"""Supplier portal models: the operator review of a supplier's products."""

from django.conf import settings
from django.db import models

from dropyard.core.models import TimeStampedModel

from .choices import ReviewStatus


class SupplierProductReview(TimeStampedModel):
    """The review state of one product a supplier created in the portal.

    Invariants: one per product; ``supplier`` equals the product's supplier; the status changes
    only through ``services.supplier_product_transition`` (which writes a
    ``SupplierProductReviewEvent`` and an audit event in the same transaction); the product is on
    sale only once APPROVED. ``reason`` holds the last rejection's reason (empty otherwise).
    """

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="supplier_review"
    )
    supplier = models.ForeignKey(
        "accounts.Supplier", on_delete=models.PROTECT, related_name="product_reviews"
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"review of product {self.product_id} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.REJECTED)


class SupplierProductReviewEvent(models.Model):
    """One move of a review (history): from → to, who, when, and the note (rejection reason).

    Invariant: append-only; written only by ``supplier_product_transition``.
    """

    review = models.ForeignKey(
        SupplierProductReview, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(max_length=10, choices=ReviewStatus.choices)
    to_status = models.CharField(max_length=10, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
