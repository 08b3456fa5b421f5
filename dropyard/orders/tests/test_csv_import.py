"""The CSV import job: progress, per-row errors, idempotent re-run and re-upload; the export."""

import csv
import io

import pytest

from dropyard.core import services as core_services
from dropyard.core.choices import JobStatus
from dropyard.core.models import Job
from dropyard.orders import csv_io, services, tasks
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import csv_import_job, make_order_world, order_item

pytestmark = pytest.mark.django_db

HEADER = "order_number,customer_name,country_code,province,city,zip,address,sku,quantity"


@pytest.fixture
def shop():
    return make_order_world()


def _row(number: str, sku: str, quantity="1", country="US", zip_code="90001") -> str:
    return f"{number},Jane Doe,{country},CA,Los Angeles,{zip_code},1 Main St,{sku},{quantity}"


def _job(merchant, owner, text: str) -> Job:
    return csv_import_job(merchant, owner, text)


def _file(shop, rows: int = 6) -> str:
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append(_row(f"IMP-{i}", shop.red.sku))
    lines.append(_row("IMP-1", shop.blue.sku, quantity="2"))  # a second line of IMP-1
    lines.append(_row("BAD-COUNTRY", shop.red.sku, country="XX"))
    lines.append(_row("BAD-ZIP", shop.red.sku, zip_code="ABC"))
    lines.append(_row("BAD-SKU", "NO-SUCH-SKU"))
    lines.append(_row("BAD-QTY", shop.red.sku, quantity="-1"))
    return "\r\n".join(lines) + "\r\n"


def test_import_creates_good_orders_and_reports_each_broken_row(merchant, owner, shop):
    job = _job(merchant, owner, _file(shop))

    tasks.orders_csv_import.call(job_id=job.pk)

    job.refresh_from_db()
    summary = csv_io.import_summary(job)
    assert (job.status, job.done, job.total) == (
        JobStatus.SUCCEEDED,
        9,
        9,
    )  # 6 good + 3 refused by the services
    assert (summary.imported, summary.duplicates, summary.failed) == (6, 0, 4)
    assert [(e["line"], e["order_number"]) for e in summary.errors] == [
        (9, "BAD-COUNTRY"),
        (10, "BAD-ZIP"),
        (11, "BAD-SKU"),
        (12, "BAD-QTY"),
    ]
    reasons = [e["reason"] for e in summary.errors]
    assert reasons[0] == "country_code: 'XX' is not an ISO 3166-1 alpha-2 country code"
    assert reasons[1] == "zip: 'ABC' is not a valid US postcode (expected like 12345 or 12345-6789)"
    assert reasons[2] == "Variant NO-SUCH-SKU not found"
    assert reasons[3] == "quantity '-1' is not a whole number"
    orders = Order.objects.filter(merchant=merchant)
    assert sorted(orders.values_list("order_number", flat=True)) == [
        f"IMP-{i}" for i in range(1, 7)
    ]
    assert set(orders.values_list("source", flat=True)) == {"csv"}
    imp1 = orders.get(order_number="IMP-1")
    assert sorted((ln.variant.sku, ln.quantity) for ln in imp1.lines.all()) == sorted(
        [(shop.red.sku, 1), (shop.blue.sku, 2)]
    )
    assert job.result_file == csv_io.report_relative_path(job.pk)
    assert "Finished: 6 imported, 0 already imported, 4 failed" in job.log


def test_rerunning_the_job_creates_nothing_twice_and_reports_the_same(merchant, owner, shop):
    job = _job(merchant, owner, _file(shop))
    tasks.orders_csv_import.call(job_id=job.pk)

    tasks.orders_csv_import.call(job_id=job.pk)  # a worker retry

    summary = csv_io.import_summary(Job.objects.get(pk=job.pk))
    assert (summary.imported, summary.duplicates, summary.failed) == (6, 0, 4)
    assert Order.objects.filter(merchant=merchant).count() == 6


def test_uploading_the_same_file_again_reports_already_imported(merchant, owner, shop):
    text = _file(shop)
    tasks.orders_csv_import.call(job_id=_job(merchant, owner, text).pk)

    second = _job(merchant, owner, text)
    tasks.orders_csv_import.call(job_id=second.pk)

    summary = csv_io.import_summary(Job.objects.get(pk=second.pk))
    assert (summary.imported, summary.duplicates, summary.failed) == (0, 6, 4)
    assert summary.duplicate_numbers == [f"IMP-{i}" for i in range(1, 7)]
    assert Order.objects.filter(merchant=merchant).count() == 6


def test_numbers_of_another_merchant_do_not_collide(merchant, owner, other_merchant, shop):
    services.order_create(
        merchant=other_merchant,
        actor=other_merchant.owner,
        **order_item((shop.red, 1), number="IMP-1"),
    )
    job = _job(merchant, owner, _file(shop, rows=1))

    tasks.orders_csv_import.call(job_id=job.pk)

    assert csv_io.import_summary(Job.objects.get(pk=job.pk)).imported == 1
    assert Order.objects.filter(merchant=merchant, order_number="IMP-1").count() == 1


def test_progress_is_reported_per_chunk(merchant, owner, shop, monkeypatch):
    monkeypatch.setattr(csv_io, "IMPORT_CHUNK", 2)
    seen = []
    original = core_services.job_progress

    def spy(**kwargs):
        original(**kwargs)
        seen.append(Job.objects.values_list("done", "total").get(pk=kwargs["job_id"]))

    monkeypatch.setattr(core_services, "job_progress", spy)
    job = _job(merchant, owner, _file(shop, rows=5))

    tasks.orders_csv_import.call(job_id=job.pk)

    assert seen == [(0, 8), (2, 8), (4, 8), (6, 8), (8, 8)]  # 5 good + 3 refused by services


def test_an_unreadable_file_fails_the_job_with_the_reason(merchant, owner):
    job = _job(merchant, owner, "order_number,colour\r\nA,red\r\n")

    tasks.orders_csv_import.call(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert csv_io.import_summary(job).file_error == (
        "unknown column: colour; use the template's columns"
    )
    assert Order.objects.count() == 0


def test_a_missing_job_is_a_no_op():
    assert tasks.orders_csv_import.call(job_id=999999) == ""


def test_export_lists_the_orders_with_amounts_and_neutralised_cells(merchant, owner, shop):
    services.order_create(
        merchant=merchant,
        actor=owner,
        **order_item((shop.red, 2), number="EXP-1", shipping_customer_name="=HYPERLINK()"),
    )

    text = "".join(csv_io.export_stream(Order.objects.filter(merchant=merchant)))

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == csv_io.EXPORT_HEADER
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["order_number"] == "EXP-1"
    assert row["customer_name"] == "'=HYPERLINK()"
    assert row["lines"] == f"{shop.red.sku} x 2"
    assert (row["product_amount"], row["currency"], row["status"]) == ("20.00", "USD", "CREATED")


def test_an_unknown_sku_on_a_later_line_is_reported_at_that_line(merchant, owner, shop):
    text = "\r\n".join(
        [HEADER, _row("ML-1", shop.red.sku), _row("ML-2", shop.red.sku), "ML-1,,,,,,,NOPE,1"]
    )
    job = _job(merchant, owner, text + "\r\n")

    tasks.orders_csv_import.call(job_id=job.pk)

    summary = csv_io.import_summary(Job.objects.get(pk=job.pk))
    assert summary.errors == [
        {"line": 4, "order_number": "ML-1", "reason": "Variant NOPE not found"}
    ]
    assert list(Order.objects.values_list("order_number", flat=True)) == ["ML-2"]


def test_a_crashed_job_rerun_after_a_reupload_counts_only_its_own_orders(merchant, owner, shop):
    """Issue 9's double count: job A dies after its first chunk, the merchant uploads the file
    again (job B), then A runs again. Each summary adds up to the file's orders, and the orders
    count as imported once in all."""
    text = _file(shop, rows=4)
    first = _job(merchant, owner, text)
    real_batch = services.orders_create_batch
    calls = []

    def dies_after_first_chunk(**kwargs):
        if calls:
            raise KeyboardInterrupt  # the worker is killed in the middle of the second chunk
        calls.append(1)
        return real_batch(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_io, "IMPORT_CHUNK", 2)
        patch.setattr(services, "orders_create_batch", dies_after_first_chunk)
        with pytest.raises(KeyboardInterrupt):
            tasks.orders_csv_import.call(job_id=first.pk)
    assert Order.objects.filter(merchant=merchant).count() == 2

    second = _job(merchant, owner, text)
    tasks.orders_csv_import.call(job_id=second.pk)
    tasks.orders_csv_import.call(job_id=first.pk)  # the crashed job, run again

    by_b = csv_io.import_summary(Job.objects.get(pk=second.pk))
    by_a = csv_io.import_summary(Job.objects.get(pk=first.pk))
    assert (by_b.imported, by_b.duplicates, by_b.failed) == (2, 2, 4)
    assert (by_a.imported, by_a.duplicates, by_a.failed) == (2, 2, 4)
    assert by_a.imported + by_b.imported == 4 == Order.objects.filter(merchant=merchant).count()
    assert by_a.imported + by_a.duplicates + by_a.failed == by_a.orders


def test_a_chunk_rolled_back_records_nothing_as_the_jobs_own(merchant, owner, shop, monkeypatch):
    job = _job(merchant, owner, _file(shop, rows=2))

    def refuses_to_record(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(csv_io, "job_items_record", refuses_to_record)
    with pytest.raises(RuntimeError):
        tasks.orders_csv_import.call(job_id=job.pk)

    assert not Order.objects.filter(merchant=merchant).exists()  # orders and record: both or none
