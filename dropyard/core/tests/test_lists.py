"""The generic list page (core.lists): filters, the sort whitelist, pagination edges, the htmx
partial, the CSV export, bulk actions on the scoped rows only, and bad input (never a 500).

The list under test is a small jobs list built here on ``list_page``, scoped to one merchant as
a selector would; the requests go through Django's request factory with django-htmx's details.
"""

import csv
import datetime
import io

import django_filters
import django_tables2 as tables
import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from dropyard.core.choices import JobStatus
from dropyard.core.lists import (
    EXPORT_MAX_ROWS,
    PRIMARY,
    BulkAction,
    ListFilterSet,
    ListTable,
    SelectColumn,
    SelectFilterSet,
    list_page,
    local_time,
)
from dropyard.core.models import Job

pytestmark = pytest.mark.django_db


class JobFilter(ListFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, empty_label="Any status")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")


class JobTable(ListTable):
    select = SelectColumn(accessor="pk")
    title = tables.Column(attrs={"td": {"class": "list-title"}})
    total = tables.Column(attrs=PRIMARY)
    status = tables.Column(attrs=PRIMARY, orderable=False)

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "job-row"}


HANDLED: list[list[str]] = []


def _archive(request, jobs) -> HttpResponse | None:
    HANDLED.append(sorted(j.title for j in jobs))
    return None


ACTIONS = [
    BulkAction(name="archive", label="Archive", handler=_archive, confirm="Archive them?"),
    BulkAction(name="elsewhere", label="Elsewhere", url="/elsewhere/", testid="bulk-elsewhere"),
]


def _call(merchant, data=None, *, method="get", htmx=False):
    factory = RequestFactory()
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "post":
        request = factory.post("/jobs/", data or {}, headers=headers)
    else:
        request = factory.get("/jobs/", data or {}, headers=headers)
    request.htmx = HtmxDetails(request)
    request.user = merchant.owner
    request._messages = CookieStorage(request)
    response = list_page(
        request,
        queryset=Job.objects.filter(merchant=merchant).order_by("pk"),
        filterset_class=JobFilter,
        table_class=JobTable,
        bulk_actions=ACTIONS,
        context={"title": "Jobs"},
        export_name="jobs",
    )
    return request, response


def _jobs(merchant, *titles, **fields):
    return [
        Job.objects.create(merchant=merchant, kind="test", title=t, total=i, **fields)
        for i, t in enumerate(titles, start=1)
    ]


def _page_titles(merchant, data=None) -> list[str]:
    _request, response = _call(merchant, data, htmx=True)
    html = response.content.decode()
    return [line.split(">", 1)[1].split("<", 1)[0] for line in html.split('class="list-title"')[1:]]


def test_filters_narrow_the_rows(merchant, other_merchant):
    _jobs(merchant, "Import A", "Export B", "Import C")
    _jobs(other_merchant, "Import Z")

    assert _page_titles(merchant) == ["Import A", "Export B", "Import C"]
    assert _page_titles(merchant, {"q": "import"}) == ["Import A", "Import C"]


def test_sort_by_an_orderable_column_and_unknown_columns_are_ignored(merchant):
    _jobs(merchant, "b", "c", "a")

    assert _page_titles(merchant, {"sort": "title"}) == ["a", "b", "c"]
    assert _page_titles(merchant, {"sort": "-title"}) == ["c", "b", "a"]
    # Not orderable, not a column, a model field outside the table, NUL bytes: the default order.
    for bad in ("status", "password", "kind", "-log", "ti\x00tle", ""):
        assert _page_titles(merchant, {"sort": bad}) == ["b", "c", "a"], bad


def test_pagination_edges_clamp_instead_of_failing(merchant):
    _jobs(merchant, *(f"job {i:02d}" for i in range(30)))

    def count_on(page) -> tuple[int, int]:
        _request, response = _call(merchant, {"page": page}, htmx=True)
        html = response.content.decode()
        assert response.status_code == 200
        return html.count('data-testid="job-row"'), int(
            html.split("Page ", 1)[1].split(" of", 1)[0]
        )

    assert count_on("1") == (25, 1)
    assert count_on("2") == (5, 2)
    assert count_on("3") == (5, 2)
    assert count_on("9" * 30) == (5, 2)
    assert count_on("9" * 5000) == (25, 1)  # too long to be a number: the first page
    assert count_on("0") == (25, 1)
    assert count_on("-4") == (25, 1)
    assert count_on("two") == (25, 1)
    assert count_on("1\x00") == (25, 1)


def test_page_size_is_one_of_the_choices(merchant):
    _jobs(merchant, *(f"job {i:02d}" for i in range(60)))

    def rows(per_page) -> int:
        _request, response = _call(merchant, {"per_page": per_page}, htmx=True)
        return response.content.decode().count('data-testid="job-row"')

    assert rows("50") == 50
    assert rows("100") == 60
    assert rows("7") == 25
    assert rows("100000") == 25
    assert rows("x") == 25


def test_htmx_request_gets_only_the_results_partial(merchant):
    _jobs(merchant, "Import A")

    _request, page = _call(merchant)
    _request, partial = _call(merchant, {"q": "import"}, htmx=True)

    assert "<html" in page.content.decode()
    assert 'data-testid="filter-form"' in page.content.decode()
    html = partial.content.decode()
    assert "<html" not in html
    assert 'data-testid="filter-form"' not in html
    assert html.count('data-testid="job-row"') == 1
    assert partial["Vary"] == "HX-Request"


def test_phone_card_cells_carry_their_label_and_primary_mark(merchant):
    _jobs(merchant, "Import A")

    _request, response = _call(merchant, htmx=True)
    html = response.content.decode()

    assert 'data-label="Total" data-primary="1"' in html
    assert 'data-label="Status" data-primary="1"' in html
    assert 'data-label="Title" class="list-title"' in html
    assert 'data-confirm="Archive them?"' in html
    assert 'formaction="/elsewhere/"' in html


def test_csv_export_has_all_filtered_rows_and_neutralises_formulas(merchant, other_merchant):
    _jobs(merchant, *(f"job {i:02d}" for i in range(30)))
    _jobs(merchant, "=HYPERLINK(1)", "+1+cmd", "-2-2", "@SUM(A1)", "plain", "-2", "+1.50")
    _jobs(other_merchant, "=theirs")

    _request, response = _call(merchant, {"export": "csv", "sort": "-total", "page": "2"})
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="jobs-')
    assert rows[0] == ["Title", "Total", "Status"]
    assert len(rows) == 1 + 37  # every filtered row, not one page
    assert [r[0] for r in rows[1:6]] == ["job 29", "job 28", "job 27", "job 26", "job 25"]
    assert {r[0] for r in rows[1:] if not r[0].startswith("job")} == {
        "'=HYPERLINK(1)",
        "'+1+cmd",
        "'-2-2",
        "'@SUM(A1)",
        "plain",
        "-2",  # a plain number is not a formula: it stays a number in the spreadsheet
        "+1.50",
    }
    assert "=theirs" not in text
    assert EXPORT_MAX_ROWS == 50_000


def test_csv_export_honours_the_filters(merchant):
    _jobs(merchant, "Import A", "Export B")

    _request, response = _call(merchant, {"export": "csv", "q": "export"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))

    assert [r[0] for r in rows] == ["Title", "Export B"]


def test_bulk_handler_gets_only_the_scoped_rows(merchant, other_merchant):
    mine = _jobs(merchant, "mine 1", "mine 2", "mine 3")
    theirs = _jobs(other_merchant, "theirs")
    HANDLED.clear()

    _request, response = _call(
        merchant,
        {"action": "archive", "ids": [mine[0].pk, mine[2].pk, theirs[0].pk], "next": "/jobs/?q=m"},
        method="post",
    )

    assert HANDLED == [["mine 1", "mine 3"]]
    assert (response.status_code, response["Location"]) == (302, "/jobs/?q=m")


def test_bulk_with_only_foreign_or_bad_ids_hands_over_nothing(merchant, other_merchant):
    theirs = _jobs(other_merchant, "theirs")
    HANDLED.clear()

    _call(merchant, {"action": "archive", "ids": [theirs[0].pk]}, method="post")
    request, response = _call(
        merchant, {"action": "archive", "ids": ["x\x00", "abc"]}, method="post"
    )
    unknown_request, unknown = _call(
        merchant, {"action": "drop", "ids": [theirs[0].pk]}, method="post"
    )
    _offsite_request, offsite = _call(
        merchant, {"action": "archive", "ids": ["1"], "next": "https://evil.test/"}, method="post"
    )

    assert HANDLED == [[], []]
    assert [str(m) for m in get_messages(request)] == ["Select at least one row."]
    assert (response.status_code, response["Location"]) == (302, "/jobs/")
    assert [str(m) for m in get_messages(unknown_request)] == ["Unknown action."]
    assert unknown.status_code == 302
    assert offsite["Location"] == "/jobs/"


def test_bad_filter_input_is_a_form_error_not_a_failure(merchant):
    _jobs(merchant, "Import A", "Export B")

    for data in (
        {"since": "2026-13-45"},
        {"q": "imp\x00ort"},
        {"status": "NOPE"},
        {"since": "\x00"},
    ):
        _request, response = _call(merchant, data, htmx=True)
        html = response.content.decode()
        assert response.status_code == 200, data
        assert 'data-testid="form-errors"' in html, data
        # The refused filter is left out: both rows are listed.
        assert html.count('data-testid="job-row"') == 2, data


def test_a_list_without_bulk_actions_answers_its_pages_failed_post_as_the_list(merchant):
    _jobs(merchant, "Import A")
    request = RequestFactory().post("/jobs/", {"title": ""})
    request.htmx = HtmxDetails(request)
    request.user = merchant.owner

    response = list_page(
        request,
        queryset=Job.objects.filter(merchant=merchant),
        filterset_class=JobFilter,
        table_class=JobTable,
        context={"title": "Jobs"},
        status=400,
    )

    assert response.status_code == 400
    assert response.content.decode().count('data-testid="job-row"') == 1


class StatusSelect(SelectFilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)

    def selection(self, data):
        return {"status": data.get("status") or ""}


def test_select_filterset_hands_the_cleaned_values_to_the_selector(merchant):
    calls = []

    def select(**filters):
        calls.append(filters)
        return Job.objects.none()

    for data in ({"status": JobStatus.FAILED}, {"status": "no-such-status"}):
        StatusSelect(data, queryset=Job.objects.all(), select=select).qs  # noqa: B018

    assert calls == [{"status": JobStatus.FAILED}, {"status": ""}]


def test_local_time_formats_in_the_current_zone_and_blanks_none():
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)

    with timezone.override("Asia/Shanghai"):
        assert (local_time(moment), local_time(None)) == ("2026-03-02 07:30", "")
