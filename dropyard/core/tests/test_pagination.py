"""``paginate`` and the shared pager partial ``partials/_pagination.html`` (no database)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from dropyard.core.pagination import paginate

ROWS = list(range(60))  # 3 pages of 25


def _pager(query: str, **context) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    return render_to_string("partials/_pagination.html", context, request=request)


@pytest.mark.parametrize(
    ("query", "param", "number"),
    [
        ("page=2", "page", 2),
        ("tpage=2&page=3", "tpage", 2),
        ("tpage=99", "tpage", 3),  # too high: the last page
        ("tpage=x", "tpage", 1),  # not a number: the first page
        ("page=3", "tpage", 1),  # another list's parameter is not this list's
    ],
)
def test_paginate_reads_its_own_parameter_and_clamps(query, param, number):
    request = RequestFactory().get(f"/list/?{query}")

    page = paginate(request, ROWS, param=param)

    assert page.number == number
    assert len(page.object_list) == (10 if number == 3 else 25)


def test_pager_links_set_the_named_parameter_and_keep_the_query():
    page = paginate(RequestFactory().get("/list/?tpage=2"), ROWS, param="tpage")

    html = _pager("q=acme&page=3&tpage=2", page=page, param="tpage")

    assert "Page 2 of 3 · 60 in all" in html
    assert 'href="?q=acme&amp;page=3&amp;tpage=1">Previous</a>' in html
    assert 'href="?q=acme&amp;page=3&amp;tpage=3">Next</a>' in html
    assert "hx-get" not in html


def test_pager_with_a_target_loads_with_htmx():
    page = paginate(RequestFactory().get("/list/"), ROWS)

    swapped = _pager("", page=page, target="#tokens", swap="outerHTML")
    pushed = _pager("", page=page, target="#audit-rows", push_url=True)

    assert (
        '<a class="page-link" href="?page=2" hx-get="?page=2" hx-target="#tokens" '
        'hx-swap="outerHTML">Next</a>'
    ) in swapped
    assert "hx-push-url" not in swapped
    assert (
        '<a class="page-link" href="?page=2" hx-get="?page=2" hx-target="#audit-rows" '
        'hx-push-url="true">Next</a>'
    ) in pushed
    assert '<li class="page-item disabled"><span class="page-link">Previous</span></li>' in pushed


def test_pager_is_empty_for_a_single_page():
    page = paginate(RequestFactory().get("/list/"), ROWS[:25])

    assert _pager("", page=page).strip() == ""
