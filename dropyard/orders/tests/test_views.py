"""Merchant order pages: scoping, list and filters, bulk actions, detail actions, manual order,
payment page, CSV upload and result pages, export, merge."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.tests.factories import make_staff
from dropyard.core import services as core_services
from dropyard.core.models import Job
from dropyard.orders import csv_io, services, tasks
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order, OrderEvent
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db

S = OrderStatus


@pytest.fixture
def shop():
    return make_order_world()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _order(merchant, shop, number="V-1", *variants, **fields):
    return services.order_create(
        merchant=merchant,
        actor=merchant.owner,
        **order_item(*(variants or [(shop.red, 1)]), number=number, **fields),
    )


# --- Scoping ---------------------------------------------------------------------------------


def test_another_merchants_order_is_404_for_every_page(client, merchant, other_merchant, shop):
    order = _order(merchant, shop)
    client.force_login(other_merchant.owner)

    for name in ("detail", "cancel", "delete", "address"):
        assert client.get(reverse(f"orders:{name}", args=[order.public_id])).status_code == 404
    for name in ("confirm", "generate_payment", "unmerge", "cancel", "delete"):
        assert client.post(reverse(f"orders:{name}", args=[order.public_id])).status_code == 404
    order.refresh_from_db()
    assert order.status == S.CREATED


def test_bulk_actions_ignore_another_merchants_ids(client, merchant, other_merchant, shop):
    order = _order(merchant, shop)
    client.force_login(other_merchant.owner)

    response = client.post(reverse("orders:bulk_confirm"), {"ids": [order.public_id]})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.CREATED


def test_staff_without_orders_area_gets_403_and_with_it_200(client, merchant, shop):
    order = _order(merchant, shop)
    client.force_login(make_staff(merchant=merchant, permissions=["products"]))
    assert client.get(reverse("orders:list")).status_code == 403
    assert client.get(reverse("orders:detail", args=[order.public_id])).status_code == 403

    client.force_login(make_staff(merchant=merchant, permissions=["orders"]))
    assert client.get(reverse("orders:list")).status_code == 200
    assert client.get(reverse("orders:detail", args=[order.public_id])).status_code == 200


def test_another_merchants_import_job_is_404(client, merchant, other_merchant):
    job = _upload_job(merchant, "order_number\r\n")
    client.force_login(other_merchant.owner)

    assert client.get(reverse("orders:import_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("orders:import_errors", args=[job.pk])).status_code == 404


# --- List ------------------------------------------------------------------------------------


def test_list_tabs_count_and_filter(owner_client, merchant, shop):
    _order(merchant, shop, "V-1")
    _order(merchant, shop, "V-2", shipping_customer_name="Max Mustermann")
    cancelled = _order(merchant, shop, "V-3")
    services.order_cancel(order=cancelled, actor=merchant.owner, reason="test")

    page = owner_client.get(reverse("orders:list"))
    pending = owner_client.get(reverse("orders:list"), {"tab": "pending"})
    search = owner_client.get(reverse("orders:list"), {"q": "muster"})

    assert [o.order_number for o in page.context["page"]] == ["V-3", "V-2", "V-1"]
    assert {t["key"]: t["count"] for t in page.context["tabs"]} == {
        "": 3,
        "pending": 2,
        "processing": 0,
        "dispatched": 0,
        "completed": 0,
        "cancelled": 1,
    }
    assert [o.order_number for o in pending.context["page"]] == ["V-2", "V-1"]
    assert [o.order_number for o in search.context["page"]] == ["V-2"]


def test_list_empty_state_and_htmx_partial(owner_client):
    page = owner_client.get(reverse("orders:list"))
    partial = owner_client.get(reverse("orders:list"), {"q": "x"}, headers={"HX-Request": "true"})

    assert "No orders yet." in page.content.decode()
    assert "No orders match these filters." in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_logistics_miss_is_flagged_with_the_reason(owner_client, merchant, shop):
    _order(merchant, shop, "MISS-1", shipping_country_code="AU", shipping_zip="2000")

    html = owner_client.get(reverse("orders:list")).content.decode()

    assert 'data-testid="logistics-miss"' in html
    assert "Cannot ship:" in html


def test_bulk_confirm_confirms_selected_orders_into_one_parent(owner_client, merchant, shop):
    a, b, c = (_order(merchant, shop, n) for n in ("V-1", "V-2", "V-3"))

    response = owner_client.post(
        reverse("orders:bulk_confirm"), {"ids": [a.public_id, b.public_id]}, follow=True
    )

    statuses = dict(Order.objects.values_list("order_number", "status"))
    assert statuses == {"V-1": S.UNPAID, "V-2": S.UNPAID, "V-3": S.CREATED}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.parent_id == b.parent_id is not None
    assert "2 orders confirmed" in response.content.decode()
    assert c.status == S.CREATED


def test_bulk_cancel_asks_first_then_cancels_with_the_reason(owner_client, merchant, shop):
    a, b = _order(merchant, shop, "V-1"), _order(merchant, shop, "V-2")
    url = reverse("orders:bulk_cancel")

    ask = owner_client.post(url, {"ids": [a.public_id, b.public_id]})

    assert ask.status_code == 200
    assert "Cancel 2 orders?" in ask.content.decode()
    assert Order.objects.filter(status=S.CANCELLED).count() == 0

    no_reason = owner_client.post(url, {"ids": [a.public_id], "confirmed": "1", "reason": ""})
    assert no_reason.status_code == 200
    assert Order.objects.filter(status=S.CANCELLED).count() == 0

    owner_client.post(url, {"ids": [a.public_id, b.public_id], "confirmed": "1", "reason": "dup"})

    assert set(Order.objects.values_list("status", flat=True)) == {S.CANCELLED}
    assert OrderEvent.objects.filter(to_status=S.CANCELLED, note="dup").count() == 2


def test_export_streams_the_filtered_list(owner_client, merchant, shop):
    _order(merchant, shop, "V-1")
    _order(merchant, shop, "V-2", shipping_customer_name="Max Mustermann")

    response = owner_client.get(reverse("orders:export"), {"q": "Muster"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows] == ["order_number", "V-2"]


# --- Detail and actions ----------------------------------------------------------------------


def test_detail_shows_address_lines_breakdown_and_history(owner_client, merchant, shop):
    order = _order(merchant, shop, "V-1", (shop.red, 2))

    response = owner_client.get(reverse("orders:detail", args=[order.public_id]))

    html = response.content.decode()
    assert response.context["can_confirm"] is True
    assert response.context["can_pay"] is False
    assert "Jane Doe" in html
    assert shop.red.sku in html
    assert "$20.00" in html  # products 2 × $10.00
    assert "CJPacket" in html
    assert 'data-testid="timeline-event"' in html
    assert "created (api)" in html


def test_confirm_then_pay_page_and_sandbox_payment(owner_client, merchant, shop):
    order = _order(merchant, shop, "V-1", is_sandbox=True)

    owner_client.post(reverse("orders:confirm", args=[order.public_id]))
    order.refresh_from_db()
    assert order.status == S.UNPAID
    generate = owner_client.post(reverse("orders:generate_payment", args=[order.public_id]))
    order.refresh_from_db()
    pay_url = f"/orders/pay/{order.parent.pay_id}/"
    assert generate["Location"] == pay_url

    page = owner_client.get(pay_url)
    assert "Pay with Sandbox" in page.content.decode()
    assert "Pay from wallet (with discount)" in page.content.decode()
    owner_client.post(pay_url)

    order.refresh_from_db()
    assert order.status == S.UNSHIPPED
    assert "Paid" in owner_client.get(pay_url).content.decode()


def test_sandbox_pay_refuses_live_orders(owner_client, merchant, shop):
    order = _order(merchant, shop, "V-1")
    owner_client.post(reverse("orders:confirm", args=[order.public_id]))
    owner_client.post(reverse("orders:generate_payment", args=[order.public_id]))
    order.refresh_from_db()

    response = owner_client.post(f"/orders/pay/{order.parent.pay_id}/", follow=True)

    order.refresh_from_db()
    assert order.status == S.UNPAID
    assert "only sandbox orders" in response.content.decode()


def test_cancel_needs_the_confirmation_form(owner_client, merchant, shop):
    order = _order(merchant, shop)
    url = reverse("orders:cancel", args=[order.public_id])

    assert "Cancel order V-1?" in owner_client.get(url).content.decode()
    owner_client.post(url, {"reason": "customer changed mind"})

    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_delete_after_confirmation_page(owner_client, merchant, shop):
    order = _order(merchant, shop)
    url = reverse("orders:delete", args=[order.public_id])

    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url)

    assert response["Location"] == reverse("orders:list")
    assert not Order.objects.filter(pk=order.pk).exists()


def test_edit_address_shows_the_validators_messages(owner_client, merchant, shop):
    order = _order(merchant, shop)
    url = reverse("orders:address", args=[order.public_id])
    data = {
        "shipping_customer_name": "Jane Roe",
        "shipping_country_code": "US",
        "shipping_province": "CA",
        "shipping_city": "Los Angeles",
        "shipping_zip": "ABC",
        "shipping_address": "2 Side St",
    }

    bad = owner_client.post(url, data)

    assert bad.status_code == 200
    assert bad.context["form"].errors["shipping_zip"] == [
        "'ABC' is not a valid US postcode (expected like 12345 or 12345-6789)"
    ]
    owner_client.post(url, {**data, "shipping_zip": "90002"})
    order.refresh_from_db()
    assert (order.shipping_customer_name, order.shipping_zip) == ("Jane Roe", "90002")


# --- Manual order ----------------------------------------------------------------------------


def _manual(**overrides):
    data = {
        "order_number": "MAN-1",
        "shipping_customer_name": "Jane Doe",
        "shipping_country_code": "US",
        "shipping_province": "CA",
        "shipping_city": "Los Angeles",
        "shipping_zip": "90001",
        "shipping_address": "1 Main St",
        "ioss_type": "1",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    data.update(overrides)
    return data


def test_manual_order_by_sku_and_vid(owner_client, merchant, shop):
    data = _manual(
        **{
            "lines-0-variant": shop.red.sku,
            "lines-0-quantity": "2",
            "lines-1-variant": shop.blue.public_id,
            "lines-1-quantity": "1",
        }
    )

    response = owner_client.post(reverse("orders:new"), data)

    order = Order.objects.get(merchant=merchant, order_number="MAN-1")
    assert response["Location"] == reverse("orders:detail", args=[order.public_id])
    assert order.source == "manual"
    assert sorted((ln.variant_id, ln.quantity) for ln in order.lines.all()) == sorted(
        [(shop.red.pk, 2), (shop.blue.pk, 1)]
    )


def test_manual_order_shows_per_field_address_errors(owner_client, merchant, shop):
    data = _manual(
        shipping_zip="", shipping_province="", **{"lines-0-variant": "X", "lines-0-quantity": "1"}
    )

    response = owner_client.post(reverse("orders:new"), data)

    errors = response.context["form"].errors
    # The address rules' messages (shared with the API) shown as sentences on the page.
    assert errors["shipping_zip"] == ["A postcode is required for US"]
    assert errors["shipping_province"] == ["A province or state is required for US"]
    assert Order.objects.count() == 0


def test_manual_order_needs_a_line_and_a_known_variant(owner_client, merchant, shop):
    empty = owner_client.post(reverse("orders:new"), _manual())
    unknown = owner_client.post(
        reverse("orders:new"), _manual(**{"lines-0-variant": "NOPE", "lines-0-quantity": "1"})
    )

    assert "Add at least one line." in empty.content.decode()
    assert unknown.context["form"].non_field_errors() == ["Variant NOPE not found"]
    assert Order.objects.count() == 0


def test_manual_order_add_line_adds_a_row(owner_client):
    response = owner_client.post(reverse("orders:new"), _manual(add_line="1"))

    assert len(response.context["formset"].forms) == 3
    assert Order.objects.count() == 0


# --- CSV import pages ------------------------------------------------------------------------


def _upload_job(merchant, text: str) -> Job:
    from dropyard.core import services as core_services

    job = core_services.job_create(
        kind=csv_io.IMPORT_KIND,
        title="Order import",
        merchant=merchant,
        actor=merchant.owner,
        params={},
        task_path=csv_io.IMPORT_TASK,
    )
    csv_io.store_upload(job=job, chunks=[text.encode()])
    return job


def test_upload_creates_a_job_and_enqueues_the_import(owner_client, merchant, tasks):
    upload = SimpleUploadedFile("orders.csv", b"order_number\r\n", content_type="text/csv")

    with pytest.MonkeyPatch.context():
        response = owner_client.post(reverse("orders:import"), {"file": upload})

    job = Job.objects.get(kind=csv_io.IMPORT_KIND)
    assert response["Location"] == reverse("orders:import_status", args=[job.pk])
    assert job.merchant == merchant
    assert job.params == {"filename": "orders.csv", "size": 14}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.xlsx", b"x", "Only .csv files can be imported."),
        ("orders.csv", b"", "The submitted file is empty."),
    ],
)
def test_upload_refuses_other_files(owner_client, name, content, message):
    upload = SimpleUploadedFile(name, content)

    response = owner_client.post(reverse("orders:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert Job.objects.count() == 0


def test_upload_refuses_big_files(owner_client, monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_UPLOAD_BYTES", 10)
    upload = SimpleUploadedFile("orders.csv", b"order_number,x\r\n1,2\r\n")

    response = owner_client.post(reverse("orders:import"), {"file": upload})

    assert response.context["form"].errors["file"] == [
        "The file is larger than 5 MB; split it into smaller files."
    ]


def test_template_download_has_the_layout(owner_client):
    response = owner_client.get(reverse("orders:import_template"))

    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="orders-template.csv"'
    assert text.splitlines()[0] == ",".join(csv_io.COLUMNS)


def test_status_page_polls_while_running_then_shows_the_report(owner_client, merchant, shop):
    header = "order_number,customer_name,country_code,province,city,zip,address,sku,quantity"
    text = (
        f"{header}\r\nS-1,Jane,US,CA,LA,90001,1 Main,{shop.red.sku},1\r\n"
        "S-2,Jane,US,CA,LA,90001,1 Main,NOPE,1\r\n"
    )
    job = _upload_job(merchant, text)
    url = reverse("orders:import_status", args=[job.pk])

    queued = owner_client.get(url).content.decode()
    tasks.orders_csv_import.call(job_id=job.pk)
    done = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()
    report = owner_client.get(reverse("orders:import_errors", args=[job.pk]))

    assert 'hx-trigger="every 1s"' in queued
    assert 'hx-trigger="every' not in done  # polling stopped (the bell loads on open)
    assert 'data-testid="import-imported">1<' in done
    assert 'data-testid="import-failed">1<' in done
    assert "Variant NOPE not found" in done
    assert report.content.decode() == "line,order_number,reason\r\n3,S-2,Variant NOPE not found\r\n"


# --- Merge -----------------------------------------------------------------------------------


def test_merge_candidates_preview_merge_and_undo(owner_client, merchant, shop):
    a, b = _order(merchant, shop, "M-1"), _order(merchant, shop, "M-2")
    _order(merchant, shop, "M-3", shipping_customer_name="Someone Else")

    listing = owner_client.get(reverse("orders:merge_list"))
    assert [[o.order_number for o in g.orders] for g in listing.context["groups"]] == [
        ["M-1", "M-2"]
    ]
    url = reverse("orders:merge_preview")
    preview = owner_client.get(url, {"ids": [a.public_id, b.public_id]})
    p = preview.context["preview"]
    assert (p.postage_before_minor, p.postage_after_minor, p.saved_minor) == (
        1000,
        500,
        500,
    )  # 2 × 250 g fit the first 500 g
    assert Order.objects.filter(merge__isnull=False).count() == 0

    owner_client.post(url, {"ids": [a.public_id, b.public_id]})
    a.refresh_from_db()
    assert a.merge is not None
    assert Order.objects.filter(merge=a.merge).count() == 2

    owner_client.post(reverse("orders:unmerge", args=[a.public_id]))
    assert Order.objects.filter(merge__isnull=False).count() == 0


def test_merge_preview_needs_two_own_orders(owner_client, merchant, other_merchant, shop):
    a = _order(merchant, shop, "M-1")
    foreign = _order(other_merchant, shop, "M-2")

    response = owner_client.get(
        reverse("orders:merge_preview"), {"ids": [a.public_id, foreign.public_id]}
    )

    assert response["Location"] == reverse("orders:merge_list")


def test_bulk_confirm_and_pay_opens_one_payment_for_the_selection(owner_client, merchant, shop):
    a, b = _order(merchant, shop, "V-1"), _order(merchant, shop, "V-2")

    response = owner_client.post(
        reverse("orders:bulk_confirm"), {"ids": [a.public_id, b.public_id], "pay": "1"}
    )

    a.refresh_from_db()
    assert response["Location"] == f"/orders/pay/{a.parent.pay_id}/"
    assert a.parent.amount_minor == a.total_amount_minor * 2
    assert list(a.parent.orders.order_by("pk")) == [a, b]


def test_detail_of_a_shipped_order_links_the_tracking_page(owner_client, merchant, shop):
    from dropyard.fulfillment import services as fulfillment_services
    from dropyard.logistics import services as logistics_services
    from dropyard.logistics.models import Tracking
    from dropyard.logistics.tests.factories import sandbox_carrier

    sandbox_carrier()
    order = _order(merchant, shop, "V-1", is_sandbox=True)
    services.sandbox_pay(merchant=merchant, actor=merchant.owner, order_id=order.public_id)
    order.refresh_from_db()
    fulfillment_services.sandbox_ship(order=order, actor=merchant.owner)
    order.refresh_from_db()
    parcel = order.parcels.get()
    tracking = Tracking.objects.get(tracking_number=parcel.tracking_number)
    logistics_services.tracking_manual_event(
        tracking=tracking,
        actor=None,
        status=3,
        activity="Departed hub",
        city="Shenzhen",
        country="CN",
    )

    response = owner_client.get(reverse("orders:detail", args=[order.public_id]))

    html = response.content.decode()
    assert order.status == S.SHIPPED
    assert parcel.tracking_number
    assert f'href="/track/{parcel.tracking_number}/"' in html
    assert response.context["can_cancel"] is False
    assert [(e.to_status, e.to_sub_status) for e in response.context["events"]] == [
        (S.CREATED, ""),
        (S.UNPAID, ""),
        (S.UNSHIPPED, "PENDING"),
        (S.UNSHIPPED, "PROCESSING"),
        (S.SHIPPED, ""),
    ]
    assert 'data-testid="tracking-events"' in html
    assert "Departed hub" in html
    assert "(Shenzhen, CN)" in html


def test_list_filters_by_country_store_and_date(owner_client, merchant, shop):
    from datetime import timedelta

    from django.utils import timezone

    _order(merchant, shop, "US-1", store_name="Shopify A")
    _order(
        merchant,
        shop,
        "GB-1",
        shipping_country_code="GB",
        shipping_province="",
        shipping_zip="SW1A 1AA",
        store_name="Shopify B",
    )
    old = _order(merchant, shop, "OLD-1")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    url = reverse("orders:list")
    today = timezone.localdate().isoformat()

    def numbers(**params):
        return sorted(o.order_number for o in owner_client.get(url, params).context["page"])

    assert numbers(country="GB") == ["GB-1"]
    assert numbers(store_name="shopify a") == ["US-1"]
    assert numbers(date_from=today) == ["GB-1", "US-1"]
    assert numbers(date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == ["OLD-1"]


def test_import_jobs_are_hidden_from_staff_without_orders(client, merchant):
    job = _upload_job(merchant, "order_number\r\n")
    client.force_login(make_staff(merchant=merchant, permissions=["products"]))

    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert job not in client.get(reverse("core:job_list")).context["page"].object_list


def test_status_page_shows_why_a_file_was_refused(owner_client, merchant):
    job = _upload_job(merchant, "order_number,colour\r\nA,red\r\n")
    tasks.orders_csv_import.call(job_id=job.pk)

    html = owner_client.get(reverse("orders:import_status", args=[job.pk])).content.decode()

    assert "The file could not be imported: unknown column: colour" in html


# --- The import error report is never cached ------------------------------------------------------


def test_import_error_report_is_sent_no_store(client, merchant, owner):
    job = core_services.job_create(
        kind=csv_io.IMPORT_KIND,
        title="Order import",
        merchant=merchant,
        actor=owner,
        params={},
        task_path=csv_io.IMPORT_TASK,
    )
    client.force_login(owner)

    response = client.get(reverse("orders:import_errors", args=[job.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_order_page_says_the_default_line_was_used(owner_client, merchant, owner):
    from dropyard.logistics.models import DefaultShippingLine

    world = make_order_world()
    DefaultShippingLine.objects.create(merchant=merchant, dest_country="US", line=world.dhl)
    order = services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))

    html = owner_client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    routing_text = html.split('data-testid="routing-why"')[1].split("</p>")[0]
    assert f"1 parcel from {world.cn.code}" in routing_text
    assert "the merchant&#x27;s default line DHL is used" in routing_text
    assert f"Freight · {world.cn.code} · DHL" in html
    assert "merchant default line" in html.split('data-testid="parcel-why"')[1]


def test_order_page_says_why_the_default_line_was_skipped(owner_client, merchant, owner):
    from dropyard.inventory.tests.factories import make_stock
    from dropyard.logistics.models import DefaultShippingLine

    world = make_order_world(stock=0)
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)
    DefaultShippingLine.objects.create(merchant=merchant, dest_country="US", line=world.dhl)
    order = services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))

    html = owner_client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    assert order.line == world.usps
    routing_text = html.split('data-testid="routing-why"')[1].split("</p>")[0]
    assert (
        f"the merchant&#x27;s default line DHL is not used: from {world.us.code}, it does not "
        "ship from US to US"
    ) in routing_text
    assert "default line DHL not used: it does not ship from US to US" in html
