import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.tests.factories import make_category_path
from dropyard.core.models import AuditEvent
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import SourcingStatus
from dropyard.sourcing.models import SourcingRequest

pytestmark = pytest.mark.django_db


def _request(merchant, owner, name="Silicone phone stand", n=1, **fields):
    return svc.sourcing_request_create(
        merchant=merchant,
        actor=owner,
        product_name=name,
        source_url=f"https://detail.1688.com/offer/{n}.html",
        **fields,
    ).request


def test_queue_lists_the_agents_open_requests_oldest_first(client, assigned, owner, agent):
    first = _request(assigned, owner, "Lamp", 1)
    second = _request(assigned, owner, "Mug", 2)
    closed = _request(assigned, owner, "Fan", 3)
    svc.sourcing_fail(request=closed, actor=agent, reason="no factory")
    client.force_login(agent)

    page = client.get(reverse("sourcing_desk:queue"))

    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert b'data-testid="desk-list"' in page.content


def test_queue_filters_by_status_and_mine(client, assigned, owner, agent):
    mine = _request(assigned, owner, "Lamp", 1)
    _request(assigned, owner, "Mug", 2)
    svc.sourcing_claim(request=mine, actor=agent)
    client.force_login(agent)

    claimed = client.get(reverse("sourcing_desk:queue"), {"status": "CLAIMED"})
    by_me = client.get(reverse("sourcing_desk:queue"), {"status": "all", "mine": "on"})

    assert [r.pk for r in claimed.context["page"].object_list] == [mine.pk]
    assert [r.pk for r in by_me.context["page"].object_list] == [mine.pk]


def test_an_agent_does_not_see_other_merchants_requests(client, merchant, owner):
    foreign = _request(merchant, owner)
    stranger = make_operator(role="agent")
    client.force_login(stranger)

    queue = client.get(reverse("sourcing_desk:queue"))
    page = client.get(reverse("sourcing_desk:detail", args=[foreign.public_id]))
    claim = client.post(reverse("sourcing_desk:claim", args=[foreign.public_id]))

    assert list(queue.context["page"].object_list) == []
    assert (page.status_code, claim.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.status == SourcingStatus.SUBMITTED


def test_a_merchant_cannot_open_the_desk(client, assigned, owner):
    sourcing = _request(assigned, owner)
    client.force_login(owner)

    assert client.get(reverse("sourcing_desk:queue")).status_code == 403
    assert client.get(reverse("sourcing_desk:detail", args=[sourcing.public_id])).status_code == 403


def test_detail_shows_the_request_with_a_safe_link_and_actions(client, assigned, owner, agent):
    sourcing = _request(assigned, owner, target_price_minor=350)
    client.force_login(agent)

    page = client.get(reverse("sourcing_desk:detail", args=[sourcing.public_id]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'target="_blank" rel="noopener noreferrer" data-testid="source-link"' in html
    assert 'data-testid="claim-form"' in html
    assert 'data-testid="publish-form"' not in html  # not claimed yet
    assert reverse("sourcing:ops_thread", args=[assigned.pk]) in html


def test_claim_quote_publish_through_the_pages(client, assigned, owner, agent):
    sourcing = _request(assigned, owner)
    category = make_category_path()
    client.force_login(agent)
    detail = reverse("sourcing_desk:detail", args=[sourcing.public_id])

    claimed = client.post(reverse("sourcing_desk:claim", args=[sourcing.public_id]))
    quoted = client.post(
        reverse("sourcing_desk:quote", args=[sourcing.public_id]),
        {
            "quote-supplier_name": "Yiwu Co",
            "quote-unit_price": "1.80",
            "quote-moq": "100",
            "quote-lead_time_days": "7",
            "quote-weight_g": "90",
            "quote-photo_urls": "",
        },
    )
    quote = sourcing.quotes.get()
    published = client.post(
        reverse("sourcing_desk:publish", args=[sourcing.public_id]),
        {
            "publish-name": "Phone stand",
            "publish-category": category.pk,
            "publish-price": "4.20",
            "publish-weight_g": "90",
            "publish-hs_code": "392690",
            "publish-variant_names": "Black, White",
            "publish-visibility": "private",
            "publish-quote": quote.pk,
            "publish-stock_quantity": "0",
        },
    )

    assert [claimed.status_code, quoted.status_code, published.status_code] == [302, 302, 302]
    assert published["Location"] == detail
    sourcing.refresh_from_db()
    assert sourcing.status == SourcingStatus.PUBLISHED
    assert quote.unit_price_minor == 180
    assert (sourcing.product.private_for, sourcing.product.variants.count()) == (assigned, 2)
    assert sourcing.variant.price_minor == 420


def test_publish_with_bad_input_shows_the_form_again(client, assigned, owner, agent):
    sourcing = _request(assigned, owner)
    svc.sourcing_claim(request=sourcing, actor=agent)
    client.force_login(agent)

    answer = client.post(
        reverse("sourcing_desk:publish", args=[sourcing.public_id]),
        {"publish-name": "Stand", "publish-price": "abc", "publish-visibility": "private"},
    )
    refused = client.post(
        reverse("sourcing_desk:publish", args=[sourcing.public_id]),
        {
            "publish-name": "Stand",
            "publish-category": make_category_path().pk,
            "publish-price": "4.20",
            "publish-weight_g": "90",
            "publish-visibility": "private",
            "publish-stock_quantity": "5",
        },
    )

    assert answer.status_code == 400
    assert refused.status_code == 409
    assert "Choose a warehouse for the stock" in refused.content.decode()
    sourcing.refresh_from_db()
    assert sourcing.status == SourcingStatus.CLAIMED


def test_fail_needs_a_reason_and_closes_the_request(client, assigned, owner, agent):
    sourcing = _request(assigned, owner)
    client.force_login(agent)
    url = reverse("sourcing_desk:fail", args=[sourcing.public_id])

    empty = client.post(url, {"fail-reason": ""})
    done = client.post(url, {"fail-reason": "No factory makes it"})

    assert (empty.status_code, done.status_code) == (400, 302)
    sourcing.refresh_from_db()
    assert (sourcing.status, sourcing.fail_reason) == (SourcingStatus.FAILED, "No factory makes it")


def test_claiming_twice_is_refused_with_the_reason(client, assigned, owner, agent):
    sourcing = _request(assigned, owner)
    svc.sourcing_claim(request=sourcing, actor=agent)
    client.force_login(agent)

    again = client.post(reverse("sourcing_desk:claim", args=[sourcing.public_id]))

    assert again.status_code == 409
    assert "cannot become claimed by the agent" in again.content.decode()


def test_picture_is_served_only_to_operators_in_scope(client, assigned, owner, agent):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buffer, format="PNG")
    sourcing = svc.sourcing_request_create(
        merchant=assigned, actor=owner, product_name="Red", image_content=buffer.getvalue()
    ).request
    url = reverse("sourcing_desk:picture", args=[sourcing.public_id])

    client.force_login(agent)
    shown = client.get(url)
    client.force_login(make_operator(role="agent"))
    hidden = client.get(url)

    assert (shown.status_code, shown["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(shown.streaming_content)[:2] == b"\xff\xd8"
    assert hidden.status_code == 404


def test_standing_is_adjusted_by_support_with_a_reason(client, assigned, agent, support):
    url = reverse("sourcing_desk:standing_adjust", args=[assigned.pk])
    client.force_login(agent)
    assert client.get(reverse("sourcing_desk:standing", args=[assigned.pk])).status_code == 200
    assert client.post(url, {"level": "2", "score": "80", "note": "good"}).status_code == 403

    client.force_login(support)
    missing = client.post(url, {"level": "2", "score": "80", "note": ""})
    saved = client.post(url, {"level": "2", "score": "80", "note": "Long-standing merchant"})

    assert (missing.status_code, saved.status_code) == (400, 302)
    assigned.refresh_from_db()
    assert (assigned.level, svc.quota_for(assigned).score) == (2, 80)
    assert AuditEvent.objects.filter(action="sourcing.standing").count() == 1


def test_nav_badge_counts_unclaimed_requests_of_the_agent(client, assigned, owner, agent):
    _request(assigned, owner, "Lamp", 1)
    claimed = _request(assigned, owner, "Mug", 2)
    svc.sourcing_claim(request=claimed, actor=agent)
    client.force_login(agent)

    page = client.get(reverse("sourcing_desk:queue"))

    groups = page.context["nav_groups"]
    badges = {link["name"]: link["badge"] for group in groups for link in group["links"]}
    assert badges["sourcing_desk:queue"] == 1
    assert SourcingRequest.objects.count() == 2


def test_the_merchants_ops_page_links_to_its_standing(client, assigned, agent):
    client.force_login(agent)

    page = client.get(reverse("accounts_ops:merchant_detail", args=[assigned.pk]))

    assert reverse("sourcing_desk:standing", args=[assigned.pk]) in page.content.decode()
