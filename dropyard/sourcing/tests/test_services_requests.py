import io

import pytest
from PIL import Image

from dropyard.core.models import AuditEvent
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import AuthorityEventKind, SourcingStatus
from dropyard.sourcing.models import AuthorityEvent, SourcingEvent, SourcingRequest

pytestmark = pytest.mark.django_db

URL = "https://detail.1688.com/offer/624523847261.html"


def _create(merchant, owner, **fields):
    fields.setdefault("product_name", "Silicone phone stand")
    fields.setdefault("source_url", URL)
    return svc.sourcing_request_create(merchant=merchant, actor=owner, **fields)


def _png(colour: tuple[int, int, int], *, stripe: bool = False) -> bytes:
    image = Image.new("RGB", (64, 64), colour)
    for x in range(64):
        for y in range(64):
            # Vertical stripes, or a block pattern: two pictures a pHash tells apart.
            dark = x % 16 < 8 if stripe else (x < 32) != (y < 32)
            if dark:
                image.putpixel((x, y), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_create_records_the_platform_key_history_and_audit(merchant, owner):
    answer = _create(merchant, owner, target_price_minor=350, destination_countries="us, DE")

    request = answer.request
    assert answer.created is True
    assert (request.status, request.platform, request.url_key) == (
        SourcingStatus.SUBMITTED,
        "1688",
        "1688:624523847261",
    )
    assert (request.target_price_minor, request.destination_countries) == (350, ["US", "DE"])
    assert list(SourcingEvent.objects.values_list("from_status", "to_status")) == [
        ("", "SUBMITTED")
    ]
    assert AuditEvent.objects.filter(action="sourcing.created").count() == 1


def test_same_product_url_answers_with_the_existing_request_and_costs_a_point(merchant, owner):
    first = _create(merchant, owner).request

    again = _create(merchant, owner, source_url=URL + "?spm=other")

    assert (again.created, again.request.pk) == (False, first.pk)
    assert SourcingRequest.objects.count() == 1
    assert list(AuthorityEvent.objects.values_list("kind", "delta", "score_after")) == [
        (AuthorityEventKind.DUPLICATE, -1, 59)
    ]


def test_near_identical_picture_is_a_duplicate_and_a_different_one_is_not(merchant, owner):
    first = _create(merchant, owner, source_url="", image_content=_png((200, 40, 40), stripe=True))

    same = _create(merchant, owner, source_url="", image_content=_png((201, 41, 40), stripe=True))
    other = _create(merchant, owner, source_url="", image_content=_png((20, 200, 40), stripe=False))

    assert (same.created, same.request.pk) == (False, first.request.pk)
    assert other.created is True


def test_over_the_daily_quota_is_refused_and_creates_nothing(merchant, owner):
    quota = svc.quota_for(merchant).quota
    for n in range(quota):
        _create(merchant, owner, source_url=f"https://shop.example.com/p/{n}")

    with pytest.raises(svc.SourcingQuotaExceeded) as refused:
        _create(merchant, owner, source_url="https://shop.example.com/p/last")

    assert refused.value.code == 1600201
    assert "sourcing requests are used" in refused.value.message
    assert SourcingRequest.objects.count() == quota == 5


def test_quota_follows_the_score(merchant, owner, operator_admin):
    assert svc.quota_for(merchant).quota == 5

    svc.standing_adjust(merchant=merchant, actor=operator_admin, score=85, note="good sourcer")
    assert (svc.quota_for(merchant).score, svc.quota_for(merchant).quota) == (85, 7)

    svc.standing_adjust(merchant=merchant, actor=operator_admin, score=10, note="spam")
    assert svc.quota_for(merchant).quota == 1
    assert AuditEvent.objects.filter(action="sourcing.standing").count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"product_name": "  "}, "productName is required"),
        ({"source_url": "", "image_url": ""}, "give a product link or a picture"),
        (
            {"source_url": "javascript:alert(1)"},
            "productUrl must be an http:// or https:// address",
        ),
        ({"target_price_minor": "3.5"}, "price must be a whole number"),
        ({"target_price_minor": 10**12}, "price must be between 1 and 10000000000"),
        ({"destination_countries": ["XX"]}, "unknown country code XX"),
        ({"product_name": 7}, "productName must be text"),
    ],
)
def test_bad_fields_are_refused_by_name(merchant, owner, fields, message):
    with pytest.raises(svc.SourcingInvalid) as refused:
        _create(merchant, owner, **fields)

    assert refused.value.message == message
    assert SourcingRequest.objects.count() == 0


def test_claim_quote_and_fail_follow_the_table(assigned, owner, agent):
    request = _create(assigned, owner).request

    svc.sourcing_claim(request=request, actor=agent)
    svc.sourcing_quote_add(
        request=request, actor=agent, supplier_name="Yiwu Co", unit_price_minor=180
    )
    request.refresh_from_db()
    assert (request.status, request.agent) == (SourcingStatus.QUOTED, agent)

    svc.sourcing_fail(request=request, actor=agent, reason="factory stopped making it")
    request.refresh_from_db()
    assert (request.status, request.fail_reason) == (
        SourcingStatus.FAILED,
        "factory stopped making it",
    )
    assert svc.quota_for(assigned).score == 57
    with pytest.raises(svc.SourcingRefused):
        svc.sourcing_claim(request=request, actor=agent)


def test_an_agent_may_not_claim_another_agents_merchant(merchant, owner, agent):
    request = _create(merchant, owner).request

    with pytest.raises(svc.PermissionDenied):
        svc.sourcing_claim(request=request, actor=agent)


def test_withdrawing_a_worked_request_counts_as_abandoned(assigned, owner, agent):
    request = _create(assigned, owner).request
    svc.sourcing_claim(request=request, actor=agent)

    svc.sourcing_cancel(merchant=assigned, request=request, actor=owner)

    assert svc.quota_for(assigned).score == 58
