"""Logistics back office (logistics_ops): permissions and the main flows through the views."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
    operator_actors,
)
from dropyard.logistics.csv_io import COLUMNS
from dropyard.logistics.models import RateCard, ShippingLine
from dropyard.logistics.tests.factories import (
    CarrierFactory,
    RateCardFactory,
    ShippingLineFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = OPERATOR_ACTORS
ALLOWED = {"admin"}


@pytest.fixture
def actors(owner, agent, support, operator_admin):
    return operator_actors(owner=owner, agent=agent, support=support, operator_admin=operator_admin)


@pytest.fixture
def line():
    return ShippingLineFactory(code="EUX", name="Euro Express")


@pytest.fixture
def page_urls(line):
    return {
        "line_list": reverse("logistics_ops:line_list"),
        "line_create": reverse("logistics_ops:line_create"),
        "line_edit": reverse("logistics_ops:line_edit", args=[line.pk]),
        "ratecard_list": reverse("logistics_ops:ratecard_list", args=[line.pk]),
        "ratecard_export": reverse("logistics_ops:ratecard_export", args=[line.pk]),
        "ratecard_import": reverse("logistics_ops:ratecard_import"),
    }


# --- Permission matrix ------------------------------------------------------------------------

PAGES = ["line_list", "line_create", "line_edit", "ratecard_list", "ratecard_export"]
PAGES += ["ratecard_import"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, actors, page_urls, page, actor):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in ALLOWED)


@pytest.mark.parametrize("actor", sorted(set(ACTORS) - ALLOWED))
def test_refused_deactivation_changes_nothing(client, actors, line, actor):
    client.force_login(actors[actor])

    response = client.post(
        reverse("logistics_ops:line_active", args=[line.pk]), {"is_active": "false"}
    )

    assert response.status_code == 403
    assert ShippingLine.objects.get(pk=line.pk).is_active is True


# --- Shipping lines ---------------------------------------------------------------------------


def test_create_and_edit_a_line(client, operator_admin):
    carrier = CarrierFactory()
    client.force_login(operator_admin)

    client.post(
        reverse("logistics_ops:line_create"),
        {
            "code": "BAT",
            "name": "Battery Air",
            "carrier": carrier.pk,
            "is_tracked": "on",
            "allowed_properties": ["battery"],
            "max_weight_g": "2000",
            "volumetric_divisor": "6000",
        },
    )
    line = ShippingLine.objects.get(code="BAT")
    response = client.post(
        reverse("logistics_ops:line_edit", args=[line.pk]),
        {
            "name": "Battery Air Plus",
            "carrier": carrier.pk,
            "allowed_properties": ["battery", "magnetic"],
            "max_weight_g": "3000",
            "volumetric_divisor": "6000",
        },
    )

    assert response["Location"] == reverse("logistics_ops:ratecard_list", args=[line.pk])
    line.refresh_from_db()
    assert (line.name, line.is_tracked, line.allowed_properties, line.max_weight_g) == (
        "Battery Air Plus",
        False,
        ["battery", "magnetic"],
        3000,
    )


def test_duplicate_line_name_is_refused(client, operator_admin, line):
    client.force_login(operator_admin)

    response = client.post(
        reverse("logistics_ops:line_create"),
        {
            "code": "OTHER",
            "name": line.name,
            "carrier": line.carrier_id,
            "max_weight_g": "0",
            "volumetric_divisor": "5000",
        },
    )

    assert response.status_code == 400
    assert ShippingLine.objects.count() == 1


def test_deactivate_a_line(client, operator_admin, line):
    client.force_login(operator_admin)

    client.post(reverse("logistics_ops:line_active", args=[line.pk]), {"is_active": "false"})

    assert ShippingLine.objects.get(pk=line.pk).is_active is False


# --- Rate cards -------------------------------------------------------------------------------


def test_rate_cards_filter_by_route(client, operator_admin, line):
    RateCardFactory(line=line, origin_country="CN", dest_country="DE")
    wanted = RateCardFactory(line=line, origin_country="CN", dest_country="FR")
    RateCardFactory(line=line, origin_country="US", dest_country="FR")
    client.force_login(operator_admin)

    response = client.get(
        reverse("logistics_ops:ratecard_list", args=[line.pk]), {"origin": "cn", "dest": "fr"}
    )

    assert list(response.context["page_obj"]) == [wanted]


def _csv(*rows: list[str]) -> SimpleUploadedFile:
    lines = [",".join(COLUMNS), *(",".join(row) for row in rows)]
    return SimpleUploadedFile("rates.csv", "\n".join(lines).encode(), content_type="text/csv")


def _row(line_code: str, dest: str, *, max_days: str = "9") -> list[str]:
    values = {
        "line_code": line_code,
        "origin_country": "CN",
        "dest_country": dest,
        "pricing_mode": "first_additional",
        "first_weight_g": "500",
        "first_price": "4.50",
        "step_weight_g": "500",
        "step_price": "1.20",
        "handling_fee": "0.30",
        "remote_surcharge": "0",
        "min_days": "5",
        "max_days": max_days,
    }
    return [values.get(column, "") for column in COLUMNS]


def test_import_with_an_error_row_writes_nothing_and_lists_the_errors(client, operator_admin, line):
    client.force_login(operator_admin)

    response = client.post(
        reverse("logistics_ops:ratecard_import"),
        {"file": _csv(_row("EUX", "DE"), _row("EUX", "FR", max_days="2"), _row("NOPE", "GB"))},
    )

    assert response.status_code == 400
    assert RateCard.objects.count() == 0
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(3, "max_days"), (4, "line_code")]
    assert b'data-testid="import-errors"' in response.content


def test_import_then_export_round_trip(client, operator_admin, line):
    client.force_login(operator_admin)

    response = client.post(
        reverse("logistics_ops:ratecard_import"), {"file": _csv(_row("EUX", "DE"))}, follow=True
    )

    card = RateCard.objects.get()
    assert (card.line, card.dest_country, card.first_price_minor, card.handling_fee_minor) == (
        line,
        "DE",
        450,
        30,
    )
    assert b"1 created" in response.content
    export = client.get(reverse("logistics_ops:ratecard_export", args=[line.pk]))
    assert export["Content-Type"].startswith("text/csv")
    assert 'filename="rate-cards-EUX.csv"' in export["Content-Disposition"]
    body = export.content.decode().splitlines()
    assert body[0] == ",".join(COLUMNS)
    assert body[1].startswith("EUX,CN,DE,")


def test_import_an_unreadable_file_shows_the_reason(client, operator_admin):
    client.force_login(operator_admin)
    upload = SimpleUploadedFile("rates.csv", b"\xff\xfe\x00bad", content_type="text/csv")

    response = client.post(reverse("logistics_ops:ratecard_import"), {"file": upload})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert RateCard.objects.count() == 0
