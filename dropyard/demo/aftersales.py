"""After-sales demo data for the demo merchant (called by ``demo.loader.demo_load`` after the
demo orders and the wallet demo): one dispute under review, one refunded, one resent, and one
ticket answered by the support operator — so the merchant's AS service center and the
operator's dispute and ticket desks have something to show.

Built through the real services (``aftersales.services``, ``outcomes.dispute_resolve``,
``tickets_services``), on orders the demo already made, each used once:

- ``DEMO-AS-1``, under review: "order delayed", a refund asked, on a wallet-paid order in
  transit (``WALLET-…``, shipped); the merchant's message with a screenshot, the support
  operator's reply.
- ``DEMO-AS-2``, refunded: "product damaged" on a wallet-paid delivered order; the refund goes
  to the wallet (``wallet.refunds.refund_issue``: credit note, ledger).
- ``DEMO-AS-3``, resent: "wrong product" on a delivered demo order (``DEMO-…``); the resend
  order (``<number>-RS<dispute id>``, sandbox like its original, unpaid at 0) waits in the
  warehouse queue, UNSHIPPED.
- A ticket about an in-transit demo order's tracking, answered by the support operator
  (AWAITING_YOUR_REPLY: the merchant's turn).

Why wallet-paid orders for the refunds: sandbox-paid orders write no ``wallet.Payment``
(``orders.services.order_paid`` with a "sandbox:" reference), so nothing on them can be
refunded and a refund cannot even be asked (caps 0). A resend needs no payment.

The delivered orders are still SHIPPED here (DELIVERED follows their trackings once
``demo_load`` commits), which every outcome accepts. Idempotent: each dispute is looked up by
its ``businessDisputeId``, the ticket by its subject; what exists is left as it is.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from dropyard.accounts.models import MerchantAccount, User
from dropyard.aftersales import outcomes, tickets_services
from dropyard.aftersales import services as dispute_services
from dropyard.aftersales.choices import (
    DisputeOutcome,
    DisputeReason,
    ExpectType,
    MessageSide,
    RefundType,
)
from dropyard.aftersales.choices_tickets import OrderQuestionType, TicketCategory
from dropyard.aftersales.models import Dispute
from dropyard.aftersales.models_tickets import Ticket
from dropyard.catalog.models import ProductImage
from dropyard.demo.orders import DEMO_ORDER_PREFIX, _specs
from dropyard.demo.wallet import WALLET_ORDER_PREFIX, WALLET_ORDERS
from dropyard.orders.models import Order

UNDER_REVIEW_ID = "DEMO-AS-1"
REFUNDED_ID = "DEMO-AS-2"
RESENT_ID = "DEMO-AS-3"
TICKET_SUBJECT = "Tracking has not moved for a few days"

DELAYED_MESSAGE = (
    "The tracking has shown no movement since the parcel left the forwarder and the customer "
    "cannot wait any longer. She asked for her money back: please refund us."
)
DELAYED_REPLY = (
    "Thanks — we have asked the carrier to trace the parcel. If it does not move within three "
    "working days we will refund the order to your wallet."
)
DAMAGED_MESSAGE = (
    "The customer received the product with a cracked casing (photo attached). "
    "Please refund it; she does not want a replacement."
)
DAMAGED_NOTE = "Damage confirmed from the photo; refunded to your wallet."
WRONG_MESSAGE = (
    "The customer received a different product from the one she ordered (photo attached). "
    "Please send the right one."
)
WRONG_NOTE = "Our packing mistake: the right product is on its way in a resend order."
TICKET_MESSAGE = (
    "Hi, the tracking of this order has shown the same step for a few days. Is the parcel "
    "still moving? The customer is asking."
)
TICKET_REPLY = (
    "Hello! The parcel is with the forwarder and moves with the next scheduled flight; the "
    "tracking will update when it lands. We will keep an eye on it for you."
)


def _demo_number(target: str, nth: int = 0) -> str:
    """The number of the ``nth`` demo order of ``target`` (``demo.orders`` numbers them in
    plan order from 1001)."""
    indexes = [i for i, spec in enumerate(_specs()) if spec.target == target]
    return f"{DEMO_ORDER_PREFIX}{1001 + indexes[nth]}"


def _wallet_number(target: str, nth: int = 0) -> str:
    """The number of the ``nth`` wallet-paid demo order of ``target`` (from 2001)."""
    indexes = [i for i, (t, _q, _p) in enumerate(WALLET_ORDERS) if t == target]
    return f"{WALLET_ORDER_PREFIX}{2001 + indexes[nth]}"


def _photo(
    order: Order, name: str, *, cracked: bool = False, wrong: bool = False
) -> list[SimpleUploadedFile]:
    """The customer's photo, as an upload list: the picture of the order's first product, with
    a crack drawn across it (``cracked``), or of another product (``wrong``); empty when the
    catalog has no picture for it."""
    line = order.lines.select_related("variant").order_by("pk").first()
    if line is None:
        return []
    pictures = ProductImage.objects.order_by("product_id", "position", "pk")
    if wrong:
        pictures = pictures.exclude(product_id=line.variant.product_id)
    else:
        pictures = pictures.filter(product_id=line.variant.product_id)
    picture = pictures.first()
    if picture is None:
        return []
    with picture.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("RGB")
    if cracked:
        w, h = image.size
        crack = [(0.30, 0.18), (0.42, 0.34), (0.38, 0.46), (0.52, 0.60), (0.49, 0.72), (0.62, 0.86)]
        ImageDraw.Draw(image).line(
            [(x * w, y * h) for x, y in crack], fill=(40, 40, 44), width=max(3, w // 120)
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return [SimpleUploadedFile(name, out.getvalue(), "image/jpeg")]


def _open(
    *,
    merchant: MerchantAccount,
    owner: User,
    order: Order,
    business_id: str,
    reason: int,
    expect: int,
    message: str,
    photos: list[SimpleUploadedFile],
) -> Dispute:
    """Open a dispute on every line of ``order`` (the whole quantity), with ``photos``."""
    return dispute_services.dispute_create(
        merchant=merchant,
        actor=owner,
        order=order,
        reason=reason,
        expect_type=expect,
        refund_type=RefundType.BALANCE,
        message_text=message,
        lines=[
            dispute_services.ClaimLine(line_item_id=line.line_item_id, quantity=line.quantity)
            for line in order.lines.order_by("pk")
        ],
        business_dispute_id=business_id,
        uploads=photos,
    )


@transaction.atomic
def load_aftersales_demo(
    *, merchant: MerchantAccount, owner: User, support_user: User
) -> list[str]:
    """The after-sales demo (see the module docstring); returns what was created (empty on a
    second run, and when the demo orders are missing, e.g. ``demo_load(products=0)``).

    Invariant: every row is what the services make; the support operator is assigned to the
    disputes and the ticket; a second run creates and changes nothing.
    """
    numbers = {
        UNDER_REVIEW_ID: _wallet_number("shipped"),
        REFUNDED_ID: _wallet_number("delivered"),
        RESENT_ID: _demo_number("delivered"),
        TICKET_SUBJECT: _demo_number("shipped"),
    }
    orders = {
        o.order_number: o
        for o in Order.objects.filter(merchant=merchant, order_number__in=numbers.values())
    }
    if len(orders) < len(numbers):
        return []
    existing = set(
        Dispute.objects.filter(merchant=merchant, business_dispute_id__in=numbers).values_list(
            "business_dispute_id", flat=True
        )
    )
    created: list[str] = []

    if UNDER_REVIEW_ID not in existing:
        dispute = _open(
            merchant=merchant,
            owner=owner,
            order=orders[numbers[UNDER_REVIEW_ID]],
            business_id=UNDER_REVIEW_ID,
            reason=DisputeReason.DELAYED,
            expect=ExpectType.REFUND,
            message=DELAYED_MESSAGE,
            photos=[],
        )
        dispute_services.dispute_start_review(dispute=dispute, actor=support_user)
        dispute_services.dispute_message_post(
            dispute=dispute, actor=support_user, side=MessageSide.OPERATOR, body=DELAYED_REPLY
        )
        created.append(f"dispute {UNDER_REVIEW_ID} (under review)")

    if REFUNDED_ID not in existing:
        dispute = _open(
            merchant=merchant,
            owner=owner,
            order=orders[numbers[REFUNDED_ID]],
            business_id=REFUNDED_ID,
            reason=DisputeReason.DAMAGED,
            expect=ExpectType.REFUND,
            message=DAMAGED_MESSAGE,
            photos=_photo(orders[numbers[REFUNDED_ID]], "damaged.jpg", cracked=True),
        )
        dispute_services.dispute_start_review(dispute=dispute, actor=support_user)
        outcomes.dispute_resolve(
            dispute=dispute,
            actor=support_user,
            outcome=DisputeOutcome.REFUNDED,
            note=DAMAGED_NOTE,
        )
        created.append(f"dispute {REFUNDED_ID} (refunded to the wallet)")

    if RESENT_ID not in existing:
        dispute = _open(
            merchant=merchant,
            owner=owner,
            order=orders[numbers[RESENT_ID]],
            business_id=RESENT_ID,
            reason=DisputeReason.WRONG,
            expect=ExpectType.RESEND,
            message=WRONG_MESSAGE,
            photos=_photo(orders[numbers[RESENT_ID]], "received.jpg", wrong=True),
        )
        dispute_services.dispute_start_review(dispute=dispute, actor=support_user)
        resolved = outcomes.dispute_resolve(
            dispute=dispute, actor=support_user, outcome=DisputeOutcome.RESENT, note=WRONG_NOTE
        )
        created.append(f"dispute {RESENT_ID} (resent in {resolved.resend_order.order_number})")

    if not Ticket.objects.filter(merchant=merchant, subject=TICKET_SUBJECT).exists():
        ticket = tickets_services.ticket_create(
            merchant=merchant,
            actor=owner,
            category=TicketCategory.ORDER,
            question_type=OrderQuestionType.TRACKING,
            subject=TICKET_SUBJECT,
            message=TICKET_MESSAGE,
            order_key=orders[numbers[TICKET_SUBJECT]].public_id,
        )
        # The reply stamps the first response and gives the ticket to who answered.
        tickets_services.ticket_reply(
            ticket=ticket, actor=support_user, side=MessageSide.OPERATOR, body=TICKET_REPLY
        )
        created.append(f"ticket {ticket.code} (answered by support)")
    return created
