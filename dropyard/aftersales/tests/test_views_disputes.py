"""The merchant's dispute pages: the AS service center (tabs, search, empty state), a
dispute's page (reply with files, cancel after confirmation), opening a dispute from an order
in two steps (prefill, caps, photos, refusals), the order pages' "Dispute" button, scoping."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import outcomes, services
from dropyard.aftersales.choices import (
    DisputeOutcome,
    DisputeReason,
    DisputeStatus,
    ExpectType,
    MessageSide,
)
from dropyard.aftersales.models import Dispute, DisputeEvidence, DisputeMessage
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.templatetags.aftersales_tags import due_text
from dropyard.aftersales.tests.factories import delivered_order, make_shop, paid_order
from dropyard.core.money import format_money
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def owner(client, shop):
    client.force_login(shop.owner)
    return client


def _png(name="damage.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _open(shop, order, qty=1, **kw):
    line = order.lines.order_by("pk").first()
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=kw.pop("reason", DisputeReason.DAMAGED),
        expect_type=kw.pop("expect_type", ExpectType.REFUND),
        message_text="Arrived broken",
        lines=[ClaimLine(line.line_item_id, qty)],
        **kw,
    )


def _choice(order, **fields):
    lines = list(order.lines.order_by("pk"))
    data = {
        "reason": str(DisputeReason.DAMAGED.value),
        "expect": str(ExpectType.REFUND.value),
        "message": "The red one arrived cracked",
        f"qty_{lines[0].line_item_id}": "1",
        f"qty_{lines[1].line_item_id}": "0",
    }
    data.update(fields)
    return data


def _open_url(order):
    return reverse("aftersales:dispute_open", args=[order.public_id])


# --- The AS service center ---------------------------------------------------------------------


def test_the_center_explains_disputes_when_there_are_none(owner):
    response = owner.get(reverse("aftersales:center"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "No disputes yet." in body
    assert f'href="{reverse("orders:list")}"' in body


def test_the_center_lists_each_tab_with_its_count(owner, shop):
    order = delivered_order(shop)
    cancelled = _open(shop, order)
    services.dispute_cancel(merchant=shop.merchant, dispute=cancelled, actor=shop.owner)
    awaiting = _open(shop, order)

    page = owner.get(reverse("aftersales:center"))
    gone = owner.get(reverse("aftersales:center"), {"tab": "cancelled"})

    assert page.context["tab"] == "awaiting"
    assert [(t["key"], t["count"]) for t in page.context["tabs"]] == [
        ("awaiting", 1),
        ("reviewing", 0),
        ("processed", 0),
        ("cancelled", 1),
        ("all", 2),
    ]
    assert [d.public_id for d in page.context["page"].object_list] == [awaiting.public_id]
    assert [d.public_id for d in gone.context["page"].object_list] == [cancelled.public_id]
    body = page.content.decode()
    assert order.code in body
    assert order.order_number in body
    assert "Product damaged" in body
    assert "due in" in body


def test_the_center_searches_order_number_code_and_dispute_id(owner, shop):
    first = _open(shop, delivered_order(shop))
    second = _open(shop, paid_order(shop, number="SEARCH-ME-7"))

    def found(q):
        page = owner.get(reverse("aftersales:center"), {"tab": "all", "q": q})
        return [d.public_id for d in page.context["page"].object_list]

    assert found("SEARCH-ME") == [second.public_id]
    assert found(first.order.code) == [first.public_id]
    assert found(first.public_id) == [first.public_id]
    assert found("nothing-like-it") == []
    assert owner.get(reverse("aftersales:center"), {"q": "a\x00b"}).status_code == 400


def test_a_bad_tab_or_page_shows_the_default_tab(owner, shop):
    _open(shop, delivered_order(shop))

    page = owner.get(reverse("aftersales:center"), {"tab": "nope", "page": "x"})

    assert page.status_code == 200
    assert page.context["tab"] == "awaiting"
    assert page.context["page"].paginator.count == 1


def test_without_a_tab_the_center_opens_on_the_first_tab_with_disputes(owner, shop):
    order = delivered_order(shop)
    cancelled = _open(shop, order)
    services.dispute_cancel(merchant=shop.merchant, dispute=cancelled, actor=shop.owner)

    page = owner.get(reverse("aftersales:center"))
    asked = owner.get(reverse("aftersales:center"), {"tab": "awaiting"})

    assert page.context["tab"] == "cancelled"
    assert [d.public_id for d in page.context["page"].object_list] == [cancelled.public_id]
    assert asked.context["tab"] == "awaiting"
    assert asked.context["page"].paginator.count == 0


def test_due_text_counts_days_hours_and_overdue():
    now = timezone.now()

    assert due_text(now + timedelta(days=1, hours=3, minutes=5), now=now) == "due in 1 day 3 h"
    assert due_text(now + timedelta(days=2), now=now) == "due in 2 days"
    assert due_text(now + timedelta(hours=5, minutes=1), now=now) == "due in 5 h"
    assert due_text(now + timedelta(seconds=30), now=now) == "due in 1 min"
    assert due_text(now - timedelta(seconds=1), now=now) == "overdue"


# --- Opening a dispute ---------------------------------------------------------------------------


def test_open_in_two_steps_with_a_photo(owner, shop, private_files):
    order = delivered_order(shop)
    red = order.lines.order_by("pk").first()

    form = owner.get(_open_url(order))
    review = owner.post(_open_url(order), {**_choice(order), "step": "review"})
    assert Dispute.objects.count() == 0  # the review step writes nothing
    done = owner.post(
        _open_url(order), {**_choice(order), "step": "open", "refund_type": "1", "evidence": _png()}
    )

    assert form.status_code == 200
    assert "Delivered, but your customer says it never arrived?" in form.content.decode()
    assert review.status_code == 200
    assert review.context["step"] == "review"
    caps = review.context["caps"]
    assert caps.max_product_minor == 1000
    assert caps.max_amount_minor == 1000 + caps.max_postage_minor
    dispute = Dispute.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("aftersales:dispute", args=[dispute.public_id])
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    assert dispute.source == "web"
    assert [(dl.order_line_id, dl.quantity) for dl in dispute.lines.all()] == [(red.pk, 1)]
    assert dispute.requested_amount_minor == caps.max_amount_minor
    photo = DisputeEvidence.objects.get()
    assert (photo.kind, photo.extension, photo.message.body) == (
        "image",
        "jpg",
        "The red one arrived cracked",
    )


def test_a_file_that_is_not_a_photo_or_video_is_refused_with_its_reason(owner, shop):
    order = delivered_order(shop)
    junk = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")

    response = owner.post(_open_url(order), {**_choice(order), "step": "open", "evidence": junk})

    assert response.status_code == 400
    assert response.context["step"] == "review"
    assert response.context["form"].errors["evidence"]
    assert "Videos are accepted as MP4, MOV or WebM" in response.content.decode()
    assert Dispute.objects.count() == 0


def test_more_than_is_left_to_claim_is_refused(owner, shop):
    order = delivered_order(shop)
    blue = order.lines.order_by("pk")[1]  # 2 ordered
    _open(shop, order, reason=DisputeReason.DAMAGED)  # the red line

    response = owner.post(
        _open_url(order), {**_choice(order), f"qty_{blue.line_item_id}": "3", "step": "open"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors[f"qty_{blue.line_item_id}"] == [
        "At most 2 left to claim for this line."
    ]
    assert Dispute.objects.count() == 1


def test_nothing_claimed_and_a_return_for_a_late_parcel_are_refused(owner, shop):
    order = delivered_order(shop)
    red = order.lines.order_by("pk").first()

    none = owner.post(
        _open_url(order), {**_choice(order), f"qty_{red.line_item_id}": "0", "step": "review"}
    )
    late = owner.post(
        _open_url(order),
        {
            **_choice(order),
            "reason": str(DisputeReason.DELAYED.value),
            "expect": str(ExpectType.RETURN.value),
            "step": "review",
        },
    )

    assert none.status_code == 400
    assert none.context["form"].non_field_errors() == [
        "Claim at least one item: set its quantity above 0."
    ]
    assert late.status_code == 400
    assert "A return is only for damaged" in late.context["form"].errors["expect"][0]
    assert Dispute.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [{"reason": "999"}, {"expect": "abc"}, {"message": "x\x00y"}, {"qty_nope": "1"}],
    ids=["reason", "expect", "nul", "unknown-line"],
)
def test_malformed_input_is_an_error_not_a_500(owner, shop, bad):
    order = delivered_order(shop)

    response = owner.post(_open_url(order), {**_choice(order), **bad, "step": "open"})

    # An unknown line's field is ignored; the rest is a form error.
    assert response.status_code in (302, 400)
    assert Dispute.objects.count() == (1 if "qty_nope" in bad else 0)


def test_an_unshipped_order_offers_only_a_refund(owner, shop):
    order = paid_order(shop)

    form = owner.get(_open_url(order)).context["form"]

    assert [value for value, _label in form.fields["expect"].choices] == [ExpectType.REFUND]


def test_a_prefill_link_fills_the_form(owner, shop):
    order = delivered_order(shop)
    blue = order.lines.order_by("pk")[1]

    response = owner.get(
        _open_url(order),
        {
            "reason": "2",
            "expect": "2",
            "message": "Tracking stopped",
            "lines": f"{blue.line_item_id}:9,junk,nope:1",
        },
    )

    form = response.context["form"]
    assert form.initial == {
        "reason": 2,
        "expect": 2,
        "message": "Tracking stopped",
        f"qty_{blue.line_item_id}": 2,  # capped at what is left
    }
    assert f'value="2" data-testid="qty-{blue.variant.sku}"' in response.content.decode()


def test_an_order_not_yet_paid_gets_a_message_not_a_form(owner, shop):
    order = order_services.order_create(
        merchant=shop.merchant, actor=shop.owner, **order_item((shop.world.red, 1), number="NP-1")
    )

    response = owner.get(_open_url(order))

    assert response.status_code == 200
    assert response.context.get("form") is None
    assert "This order cannot be disputed" in response.content.decode()


def test_a_fully_claimed_order_gets_a_message(owner, shop):
    order = paid_order(shop, (shop.world.red, 1))
    _open(shop, order)

    response = owner.get(_open_url(order))

    assert "already in an open or decided dispute" in response.content.decode()


# --- One dispute ---------------------------------------------------------------------------------


def test_the_dispute_page_shows_money_lines_history_and_thread(owner, shop, private_files):
    order = delivered_order(shop)
    line = order.lines.order_by("pk").first()
    dispute = services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DAMAGED,
        expect_type=ExpectType.REFUND,
        message_text="Cracked",
        lines=[ClaimLine(line.line_item_id, 1)],
        uploads=[_png()],
        video_urls=["https://videos.example/unboxing.mp4"],
    )

    response = owner.get(reverse("aftersales:dispute", args=[dispute.public_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<img src="/after-sales/files/[^"]+/"', body)
    assert 'href="https://videos.example/unboxing.mp4"' in body
    assert line.variant.sku in body
    assert len(response.context["parts"].events) == 1
    assert 'data-testid="dispute-cancel"' in body


def test_a_reply_answers_a_request_for_evidence(owner, shop, private_files):
    dispute = _open(shop, delivered_order(shop))
    operator = make_operator(role="support")
    services.dispute_request_evidence(
        dispute=dispute, actor=operator, message="Please send a photo of the label"
    )
    url = reverse("aftersales:dispute", args=[dispute.public_id])

    asked = owner.get(url)
    response = owner.post(url, {"body": "Here it is", "evidence": _png("label.png")})

    assert "The operator needs more evidence" in asked.content.decode()
    assert "Please send a photo of the label" in asked.content.decode()
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UNDER_REVIEW
    reply = DisputeMessage.objects.filter(side=MessageSide.MERCHANT).last()
    assert (reply.body, reply.evidence.count()) == ("Here it is", 1)


def test_an_empty_reply_is_refused(owner, shop):
    dispute = _open(shop, delivered_order(shop))

    response = owner.post(reverse("aftersales:dispute", args=[dispute.public_id]), {"body": ""})

    assert response.status_code == 400
    assert DisputeMessage.objects.filter(dispute=dispute).count() == 1


def test_cancel_asks_first_then_cancels(owner, shop):
    dispute = _open(shop, delivered_order(shop))
    url = reverse("aftersales:dispute_cancel", args=[dispute.public_id])

    ask = owner.get(url)
    dispute.refresh_from_db()
    assert ask.status_code == 200
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE

    done = owner.post(url)

    dispute.refresh_from_db()
    assert done.status_code == 302
    assert dispute.status == DisputeStatus.CANCELLED
    again = owner.post(url, follow=True)
    assert "cannot become cancelled" in again.content.decode()


def test_another_merchants_dispute_and_order_are_404(client, shop):
    order = delivered_order(shop)
    dispute = _open(shop, order)
    other = make_merchant(business_name="Elsewhere")
    client.force_login(other.owner)

    for url in (
        reverse("aftersales:dispute", args=[dispute.public_id]),
        reverse("aftersales:dispute_cancel", args=[dispute.public_id]),
        _open_url(order),
        reverse("aftersales:dispute", args=["not-a-number"]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x"}).status_code == 404, url
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE


# --- The order pages -----------------------------------------------------------------------------


def test_the_order_pages_offer_a_dispute_only_when_eligible(owner, shop):
    delivered = delivered_order(shop)
    dispute = _open(shop, delivered)
    draft = order_services.order_create(
        merchant=shop.merchant, actor=shop.owner, **order_item((shop.world.red, 1), number="D-1")
    )

    detail = owner.get(reverse("orders:detail", args=[delivered.public_id])).content.decode()
    draft_detail = owner.get(reverse("orders:detail", args=[draft.public_id])).content.decode()
    listing = owner.get(reverse("orders:list")).content.decode()

    assert f'href="{_open_url(delivered)}" data-testid="dispute-button"' in detail
    assert reverse("aftersales:dispute", args=[dispute.public_id]) in detail
    assert 'data-testid="order-disputes"' in detail
    assert 'data-testid="dispute-button"' not in draft_detail
    assert listing.count('data-testid="dispute-button"') == 1


def test_a_refunded_dispute_shows_the_decision_and_the_refund(owner, shop):
    dispute = _open(shop, delivered_order(shop))
    outcomes.dispute_resolve(
        dispute=dispute, actor=make_operator(role="support"), outcome=DisputeOutcome.REFUNDED
    )
    dispute.refresh_from_db()

    response = owner.get(reverse("aftersales:dispute", args=[dispute.public_id]))
    processed = owner.get(reverse("aftersales:center"), {"tab": "processed"})

    body = response.content.decode()
    assert 'data-testid="dispute-decision"' in body
    assert f"{format_money(dispute.granted_amount_minor, 'USD')} refunded to: Wallet" in body
    assert dispute.refund.message in body
    assert 'data-testid="dispute-cancel"' not in body
    assert 'data-testid="reply-form"' not in body
    assert [d.public_id for d in processed.context["page"].object_list] == [dispute.public_id]
