"""Returns (RMA): a dispute resolved "return accepted" sends the claimed goods back to a
warehouse that accepts returns, where they are inspected, restocked or disposed of, and the
refund (if any) follows. Imported by ``models`` so Django registers them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import ReturnCharge, ReturnQuoteSource, ReturnStatus

RMA_PREFIX = "RMA"


class ReturnAuthorization(TimeStampedModel):
    """The return of a dispute's claimed lines to ``warehouse`` (one per dispute).

    Invariants: ``status`` changes only through ``returns.return_transition`` (one
    ``ReturnEvent`` per change, audited RETURN_CHANGED); ``warehouse`` accepted returns when the
    RMA was authorised; ``code`` is "RMA" + ``public_id``; ``shipping_quote_minor ≥ 0`` in
    ``currency``; with ``charge`` BILL the quote is billed at authorisation (``makeup``, none
    for a zero quote), with DEDUCT it is taken off the refund: ``refund_amount_minor ≤ the
    dispute's cap − deducted_minor``; the refund is issued at most once (wallet idempotency key
    ``dispute:<id>:return``).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    code = models.CharField(max_length=40, unique=True)
    dispute = models.OneToOneField(
        "aftersales.Dispute", on_delete=models.PROTECT, related_name="return_authorization"
    )
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="returns"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="returns"
    )
    status = models.CharField(
        max_length=12,
        choices=ReturnStatus.choices,
        default=ReturnStatus.AUTHORIZED,
        db_index=True,
    )
    currency = models.CharField(max_length=3, default="USD")
    shipping_quote_minor = models.BigIntegerField(default=0)
    quote_source = models.CharField(max_length=12, choices=ReturnQuoteSource.choices)
    quote_line = models.CharField(max_length=120, blank=True)  # the shipping line priced
    charge = models.CharField(max_length=8, choices=ReturnCharge.choices)
    makeup = models.ForeignKey(
        "wallet.Makeup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    inspection_note = models.CharField(max_length=500, blank=True)
    deducted_minor = models.BigIntegerField(default=0)
    refund_amount_minor = models.BigIntegerField(default=0)
    refund = models.ForeignKey(
        "wallet.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shipping_quote_minor__gte=0)
                & Q(deducted_minor__gte=0)
                & Q(refund_amount_minor__gte=0),
                name="aftersales_return_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status not in (ReturnStatus.CLOSED, ReturnStatus.CANCELLED)


class ReturnLine(models.Model):
    """One claimed line coming back, and what inspection did with its units.

    Invariant: ``restock_private + restock_platform + disposed ≤ quantity`` (the rest did not
    arrive); ``quantity`` is the dispute line's quantity.
    """

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    dispute_line = models.ForeignKey(
        "aftersales.DisputeLine", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    restock_private = models.PositiveIntegerField(default=0)
    restock_platform = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["rma", "dispute_line"], name="aftersales_return_line"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("restock_private") + F("restock_platform") + F("disposed")
                ),
                name="aftersales_return_line_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × dispute line {self.dispute_line_id}"

    @property
    def inspected(self) -> int:
        return self.restock_private + self.restock_platform + self.disposed

    @property
    def missing(self) -> int:
        return self.quantity - self.inspected


class ReturnEvent(models.Model):
    """History of a return: each status change and notable step. Append-only."""

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def status_label(self) -> str:
        return str(ReturnStatus(self.to_status).label) if self.to_status else ""
