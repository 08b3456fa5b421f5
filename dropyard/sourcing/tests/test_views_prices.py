import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.merchant_prices import merchant_price_set
from dropyard.catalog.models import MerchantPrice
from dropyard.catalog.tests.factories import make_product
from dropyard.sourcing.choices import NegotiationStatus
from dropyard.sourcing.models import PriceNegotiation
from dropyard.sourcing.negotiations import negotiation_answer, negotiation_ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(variants=2).variants.order_by("position").first()  # 1250


def _ask(merchant, variant, **fields):
    data = {"monthly_quantity": 300, "target_price_minor": 1000, **fields}
    return negotiation_ask(merchant=merchant, actor=merchant.owner, variant=variant, **data)


# --- Merchant -----------------------------------------------------------------------------------


def test_list_empty_state_points_to_the_catalog(client, owner):
    client.force_login(owner)

    response = client.get(reverse("sourcing_prices:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "No price requests yet." in html
    assert reverse("catalog:search") in html


def test_list_shows_only_own_requests_with_answer(client, assigned, owner, agent, other_merchant):
    mine = make_product(variants=1, name="Mine lamp").variants.get()
    theirs = make_product(variants=1, name="Their lamp").variants.get()
    negotiation_answer(agent=agent, negotiation=_ask(assigned, mine), price_minor=1100)
    _ask(other_merchant, theirs)
    client.force_login(owner)

    html = client.get(reverse("sourcing_prices:list")).content.decode()

    assert "Mine lamp" in html
    assert "Their lamp" not in html
    assert 'data-testid="answered-price">$11.00<' in html


def test_new_from_the_product_page_preselects_the_variant(client, owner, variant):
    client.force_login(owner)

    response = client.get(reverse("sourcing_prices:new") + f"?vid={variant.public_id}")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{variant.sku}" selected>' in html
    assert html.count("<option") == 2
    assert variant.product.name in html


def test_new_posts_decimal_target_as_minor_units(client, owner, merchant, variant):
    client.force_login(owner)
    url = reverse("sourcing_prices:new") + f"?vid={variant.public_id}"

    response = client.post(
        url,
        {"variant": variant.sku, "monthly_quantity": "250", "target_price": "9.95", "note": "Q4"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing_prices:list")
    negotiation = PriceNegotiation.objects.get()
    assert (negotiation.merchant, negotiation.variant) == (merchant, variant)
    assert (negotiation.monthly_quantity, negotiation.target_price_minor) == (250, 995)


def test_new_with_a_typed_sku_and_a_refusal_shows_the_message(client, owner, merchant, variant):
    _ask(merchant, variant)
    client.force_login(owner)

    response = client.post(
        reverse("sourcing_prices:new"),
        {"variant": variant.sku, "monthly_quantity": "250", "target_price": "9.00"},
    )

    assert response.status_code == 400
    assert "you already asked for a better price on" in response.content.decode().lower()
    assert PriceNegotiation.objects.count() == 1


def test_new_with_an_unknown_sku_is_a_field_error(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("sourcing_prices:new"),
        {"variant": "NOPE-1", "monthly_quantity": "1", "target_price": "1.00"},
    )

    assert response.status_code == 400
    assert "Variant not found" in response.content.decode()
    assert PriceNegotiation.objects.count() == 0


def test_new_with_bad_input_never_fails(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("sourcing_prices:new") + "?vid=%00x",
        {"variant": "\x00", "monthly_quantity": "lots", "target_price": "1e999"},
    )

    assert response.status_code == 400
    assert PriceNegotiation.objects.count() == 0


def test_withdraw_asks_for_confirmation_then_withdraws(client, owner, merchant, variant):
    negotiation = _ask(merchant, variant)
    client.force_login(owner)
    url = reverse("sourcing_prices:withdraw", args=[negotiation.public_id])

    page = client.get(url)
    negotiation.refresh_from_db()
    status_after_get = negotiation.status
    response = client.post(url)

    negotiation.refresh_from_db()
    assert 'data-testid="withdraw-confirm"' in page.content.decode()
    assert status_after_get == NegotiationStatus.OPEN
    assert response.status_code == 302
    assert negotiation.status == NegotiationStatus.WITHDRAWN


def test_withdraw_of_another_merchants_request_is_404(client, other_merchant, merchant, variant):
    negotiation = _ask(merchant, variant)
    client.force_login(other_merchant.owner)

    response = client.post(reverse("sourcing_prices:withdraw", args=[negotiation.public_id]))

    negotiation.refresh_from_db()
    assert response.status_code == 404
    assert negotiation.status == NegotiationStatus.OPEN


def test_product_page_shows_your_price_and_the_ask_link(client, owner, merchant, variant):
    merchant_price_set(merchant=merchant, variant=variant, price_minor=990, actor=None)
    client.force_login(owner)

    html = client.get(reverse("catalog:product", args=[variant.product.public_id])).content
    html = html.decode()

    assert 'data-testid="your-price">Your price $9.90</span>' in html
    assert "list $12.50" in html
    assert f"{reverse('sourcing_prices:new')}?vid={variant.public_id}" in html


# --- Operators ----------------------------------------------------------------------------------


def test_ops_list_open_first_oldest_first_and_scoped_to_the_agent(
    client, assigned, agent, other_merchant, variant
):
    first = _ask(assigned, variant)
    second = _ask(assigned, make_product(variants=1, name="Second").variants.get())
    closed = _ask(assigned, make_product(variants=1, name="Closed").variants.get())
    negotiation_answer(agent=agent, negotiation=closed, price_minor=1000)
    _ask(other_merchant, make_product(variants=1, name="Not mine").variants.get())
    client.force_login(agent)

    response = client.get(reverse("sourcing_prices:ops_list"))

    html = response.content.decode()
    order = [html.index(n.public_id) for n in (first, second, closed)]
    assert order == sorted(order)
    assert "Not mine" not in html


def test_ops_list_empty_state_for_an_agent(client, agent):
    client.force_login(agent)

    html = client.get(reverse("sourcing_prices:ops_list")).content.decode()

    assert "None of your merchants has asked for a better price yet." in html


def test_ops_detail_shows_prices_and_answer_sets_the_price(client, assigned, agent, variant):
    merchant_price_set(merchant=assigned, variant=variant, price_minor=1200, actor=None)
    negotiation = _ask(assigned, variant)
    client.force_login(agent)
    detail = reverse("sourcing_prices:ops_detail", args=[negotiation.public_id])

    html = client.get(detail).content.decode()
    response = client.post(
        reverse("sourcing_prices:ops_answer", args=[negotiation.public_id]),
        {"price": "10.50", "note": "Factory agreed"},
    )

    assert 'data-testid="list-price">$12.50<' in html
    assert "$12.00 <span" in html
    assert response.status_code == 302
    assert response["Location"] == detail
    assert MerchantPrice.objects.get(merchant=assigned, variant=variant).price_minor == 1050


def test_ops_answer_above_list_shows_the_refusal(client, assigned, agent, variant):
    negotiation = _ask(assigned, variant)
    client.force_login(agent)

    response = client.post(
        reverse("sourcing_prices:ops_answer", args=[negotiation.public_id]), {"price": "13.00"}
    )

    assert response.status_code == 400
    assert "below the list price ($12.50)" in response.content.decode()
    assert MerchantPrice.objects.count() == 0


def test_ops_decline_and_another_agent_gets_404(client, assigned, agent, variant):
    negotiation = _ask(assigned, variant)
    stranger = make_operator(role="agent")
    client.force_login(stranger)
    refused = client.post(
        reverse("sourcing_prices:ops_decline", args=[negotiation.public_id]), {"note": "No"}
    )
    client.force_login(agent)

    response = client.post(
        reverse("sourcing_prices:ops_decline", args=[negotiation.public_id]),
        {"note": "At cost already"},
    )

    negotiation.refresh_from_db()
    assert refused.status_code == 404
    assert response.status_code == 302
    assert (negotiation.status, negotiation.answer_note) == ("DECLINED", "At cost already")
