"""The one generic list page: filters (django-filter), a sortable paginated table (django-tables2),
row checkboxes with bulk actions, an htmx partial, and a CSV export — for every dashboard list.

How a list view uses it (the view stays thin; scoping stays in the app's selector)::

    class OrderFilter(django_filters.FilterSet):          # the filters (a django-filter FilterSet)
        q = django_filters.CharFilter(method="search", label=_("Search"))
        ...

    class OrderTable(ListTable):                           # the columns (a django-tables2 Table)
        select = SelectColumn(accessor="public_id")        # row checkbox, posted as "ids"
        number = tables.Column(accessor="order_number", order_by=("order_number",))
        status = tables.Column(attrs=PRIMARY)              # PRIMARY: on top of the phone card
        ...

    @merchant_view(area="orders")
    def order_list(request):
        return list_page(
            request,
            queryset=selectors.order_list(merchant=request.merchant),   # already scoped
            filterset_class=OrderFilter,
            table_class=OrderTable,
            bulk_actions=[BulkAction(name="cancel", label=_("Cancel…"), url=cancel_url)],
            template="orders/order_list.html",      # optional: extends core/list_page.html
            context={"title": "Orders"},
        )

What ``list_page`` answers for a GET:

- ``?export=csv``: the filtered, sorted rows (all pages, at most ``EXPORT_MAX_ROWS``) as a
  streamed CSV of the table's columns (``exclude_from_export=True`` columns left out); each
  cell that starts with = + - @ (or a tab / carriage return) gets a leading quote so that a
  spreadsheet does not run it as a formula — except a plain number ("-3", "+1.50"), which a
  spreadsheet can only read as a number.
- an htmx request (``HX-Request``, not boosted): only ``core/partials/_list_table.html`` (the
  results: filter errors, count, bulk bar, table, pagination), which the filter form, the sort
  links and the page links swap into ``#list-results``.
- otherwise the full page (``template``, default ``core/list_page.html``).

Bad input never fails: an unknown sort column is ignored (django-tables2 only sorts by the
table's orderable columns: the whitelist), a page number that is not a number shows page 1, one
past the end shows the last page, ``per_page`` outside ``PAGE_SIZES`` uses the default, and a
filter value the form refuses (a bad date, NUL bytes in text) is left out of the filtering and
shown as the form's error.

A POST is a bulk action when the list has ``bulk_actions``. A list without them that shares
its address with a form of the page (an "add" form on the list) renders as for a GET when that
form fails, with ``status`` (400) and the failed form in ``context``.

Bulk actions: each ``BulkAction`` is a submit button of the form around the table, which posts the
checked rows' ids as ``ids`` (and ``next``: the list's address). With ``url`` the button posts to
that view (which must look the ids up through its own scoped selector). With ``handler`` it posts
back to the list itself with ``action=<name>``; ``list_page`` then looks the ids up in the scoped
``queryset`` only (another merchant's ids are simply not found) and calls
``handler(request, objects)``, which returns a response or None (then: back to the list).

Context given to the templates: ``filter`` (the FilterSet), ``table``, ``page`` (a Django
``Page`` of the records on this page: ``page.object_list``, ``page.paginator.count``),
``page_obj`` (the same), ``bulk_actions``, ``page_sizes``, ``per_page``, ``filtered`` (a filter
is set), ``active_filters`` (how many), ``export_query`` (the query string for the export link)
and the caller's ``context``.
``filter_kwargs`` / ``table_kwargs`` go to the FilterSet / Table constructors (e.g. the choices
of a filter, ``exclude=("select",)``); ``page_hook(records)`` may add to the page's records
before they render (e.g. what one query per page looks up for them), and to each batch of
``EXPORT_BATCH`` records of the CSV export, so the export's cells read the same attributes.
"""

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import batched
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.htmx import htmx_partial
from dropyard.core.text import formula_safe

PAGE_SIZE = 25
PAGE_SIZES = (25, 50, 100)
# The export streams in constant memory; the cap keeps one click from reading a whole table
# (a million rows) on the web worker. Larger exports belong in a background job.
EXPORT_MAX_ROWS = 50_000
EXPORT_BATCH = 500
MAX_BULK = 200
PAGE_TEMPLATE = "core/list_page.html"
PARTIAL_TEMPLATE = "core/partials/_list_table.html"
# An "Export CSV" button beside the count (the current filters and sort), for lists whose
# export is worth offering: ``context={"results_actions_template": EXPORT_BUTTON, ...}``.
EXPORT_BUTTON = "core/partials/_export_csv.html"
# Column attrs for the columns shown first on a phone card (status, total, the main action).
PRIMARY = {"td": {"data-primary": "1"}, "th": {"data-primary": "1"}}
# Column attrs of a right-aligned number column.
NUMERIC = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ListFilterForm(BootstrapFormMixin, forms.Form):
    """The filter form of every list: its widgets get Bootstrap's classes."""


class ListFilterSet(django_filters.FilterSet):
    """Base FilterSet of the generic list (a plain django-filter FilterSet, Bootstrap form)."""

    class Meta:
        form = ListFilterForm


class SearchFilter(ListFilterSet):
    """One search box in front of a selector that takes ``search=``: the common list filter.

    Give ``filter_kwargs={"search_with": partial(selectors.x_list, scope=...), "placeholder":
    "..."}``: the rows are ``search_with(search=<the stripped text>)``, so the selector keeps
    both the scoping and the search rule.
    """

    q = django_filters.CharFilter(label=_("Search"), max_length=100)

    def __init__(
        self, *args: Any, search_with: Callable[..., QuerySet], placeholder: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.search_with = search_with
        self.form.fields["q"].widget.attrs.update({"type": "search", "placeholder": placeholder})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return self.search_with(search=(self.form.cleaned_data.get("q") or "").strip())


class SelectFilterSet(ListFilterSet):
    """A FilterSet in front of a scoped selector that takes the filters as keywords: give
    ``filter_kwargs={"select": partial(selectors.x_list, merchant=...)}``; the rows are
    ``select(**self.selection(cleaned_data))``, so the selector keeps both the scoping and the
    filter rules. A value the form refuses is not in ``cleaned_data``: that filter is off."""

    def __init__(self, *args: Any, select: Callable[..., QuerySet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.select = select

    def selection(self, data: dict[str, Any]) -> dict[str, Any]:
        """The selector's keywords from the form's cleaned data (each subclass says which)."""
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return self.select(**self.selection(self.form.cleaned_data))

    def search_box(self, placeholder: str, name: str = "q") -> None:
        """Make the text field ``name`` a search box with this placeholder."""
        self.form.fields[name].widget.attrs.update({"type": "search", "placeholder": placeholder})


def local_time(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A datetime cell in the current time zone ("" for none), the same on the page and in CSV."""
    return timezone.localtime(value).strftime(fmt) if value else ""


class FormFilter(ListFilterSet):
    """A FilterSet over an existing filter form with a ``filters()`` method (``Meta.form``),
    for lists whose selector takes those filters: ``filter_kwargs={"select": partial(
    selectors.x_list, merchant=...)}``. The rows are ``select(**form.filters())`` when
    ``filters()`` gives a dict, else ``select(filters=form.filters())``. The form gets
    Bootstrap's classes, and an unlabelled ``q`` field the label "Search" and the subclass's
    ``placeholder``."""

    placeholder = ""

    def __init__(self, *args: Any, select: Callable[..., QuerySet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.select = select
        search = self.form.fields.get("q")
        if search is not None and not search.label:
            search.label = _("Search")
            search.widget.attrs.update({"type": "search", "placeholder": self.placeholder})

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        if issubclass(form_class, BootstrapFormMixin):
            return form_class
        return type(form_class.__name__, (BootstrapFormMixin, form_class), {})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        filters = self.form.filters()
        if isinstance(filters, dict):
            return self.select(**filters)
        return self.select(filters=filters)


class Records(list):
    """Rows that are not in the database (read from Redis, say) for ``list_page``: a list with
    what django-filter asks of a queryset (``model``, ``all()``). Its FilterSet filters it in
    Python (``filter_queryset`` returns a ``Records``), django-tables2 sorts it in Python by the
    columns' accessors, and the CSV export reads it as it is. Bulk actions post to their own
    ``url`` (``handler`` looks ids up in a queryset)."""

    model = None

    def all(self) -> "Records":
        return self


@dataclass(frozen=True)
class BulkAction:
    """A button of the bulk bar: posts the checked ids to ``url``, or to ``handler`` through the
    list itself. ``confirm``: asked in the browser before posting (static/dropyard/lists.js).
    ``method="get"`` sends the ticked ids to ``url`` as a GET (a printable page; ``new_tab``
    opens it in a new tab), without the form's CSRF token."""

    name: str
    label: str
    url: str = ""
    handler: Callable[[HttpRequest, QuerySet], HttpResponse | None] | None = None
    confirm: str = ""
    style: str = "btn-outline-secondary"
    testid: str = ""
    method: str = "post"
    new_tab: bool = False


class SelectColumn(tables.Column):
    """The row checkbox: posts the record's ``accessor`` value as ``ids`` (or ``field_name``)
    with the bulk form; its label is "Select <the record's ``label_accessor``, or the record>"."""

    def __init__(self, *, field_name: str = "ids", label_accessor: str = "", **kwargs: Any) -> None:
        self.field_name = field_name
        self.label_accessor = label_accessor
        kwargs.setdefault("verbose_name", _("Select"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "list-select"}, "th": {"class": "list-select"}})
        super().__init__(**kwargs)

    def render(self, value: Any, record: Any) -> str:
        return format_html(
            '<input class="form-check-input" type="checkbox" name="{}" value="{}" '
            'aria-label="{}" data-list-select>',
            self.field_name,
            value,
            _("Select %(row)s")
            % {
                "row": tables.A(self.label_accessor).resolve(record)
                if self.label_accessor
                else record
            },
        )


class ActionColumn(tables.Column):
    """A row's button(s) (render them in ``render_<name>``): right-aligned, first on a phone
    card, never sorted nor exported. The accessor defaults to the row's ``pk``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap", **PRIMARY["td"]}})
        super().__init__(**kwargs)


class ListTable(tables.Table):
    """Base table of the generic list: sorted with ``?sort=``, no library template of its own."""

    class Meta:
        order_by_field = "sort"
        page_field = "page"
        per_page_field = "per_page"
        template_name = PARTIAL_TEMPLATE
        attrs = {"class": "table table-sm align-middle mb-0 list-table"}
        empty_text = ""


def _page_size(request: HttpRequest, default: int) -> int:
    try:
        size = int(request.GET.get("per_page", ""))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default


def _paginate(table: tables.Table, request: HttpRequest, per_page: int) -> Page:
    """Paginate ``table`` like Django's ``get_page``: not a number → 1, too far → the last."""
    raw = request.GET.get(table.prefixed_page_field, "1")
    try:
        table.paginate(per_page=per_page, page=raw)
    except PageNotAnInteger:
        table.paginate(per_page=per_page, page=1)
    except EmptyPage:
        last = table.paginator.num_pages
        try:
            number = int(raw)
        except ValueError:  # pragma: no cover - PageNotAnInteger caught it
            number = 1
        table.paginate(per_page=per_page, page=1 if number < 1 else last)
    return Page([row.record for row in table.page.object_list], table.page.number, table.paginator)


def _sort(table: tables.Table, request: HttpRequest) -> None:
    sort = [s for s in request.GET.getlist(table.prefixed_order_by_field) if s and "\x00" not in s]
    if sort:
        table.order_by = sort  # django-tables2 keeps only the table's orderable columns


def table_page(request: HttpRequest, table: tables.Table, *, per_page: int = PAGE_SIZE) -> Page:
    """Sort and paginate a table that is not a whole list page (a settings page's small table;
    several on one page): by the request's ``<prefix>sort`` and ``<prefix>page``, bad values
    ignored as on a list page. Render it with ``core/partials/_list_table.html`` (``table``,
    ``page``, ``results_id``: phone cards, sort links and pages included)."""
    _sort(table, request)
    page = _paginate(table, request, per_page)
    table.request = request
    return page


def row_response(request: HttpRequest, table: tables.Table) -> HttpResponse:
    """The first row of ``table`` (a table of one record), as its list renders it: the answer to
    an htmx request that swaps one changed row (``core/partials/_list_row.html``)."""
    table.request = request
    row = next(iter(table.rows))
    return render(request, "core/partials/_list_row.html", {"row": row, "table": table})


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(table: tables.Table, records: Any) -> Iterator[list[str]]:
    """The header and one row per record of ``table``'s exportable columns, formula-safe."""
    columns = [c for c in table.columns if not c.column.exclude_from_export]
    yield [formula_safe(c.header) for c in columns]
    for record in records:
        row = tables.rows.BoundRow(record, table=table)
        yield [_export_cell(row.get_cell_value(c.name)) for c in columns]


def _export_cell(value: Any) -> str:
    """A plain number as it is ("-3", "+2", "-1.50": a spreadsheet reads a number, never a
    formula); any other value formula-safe (text such as "-2+cmd…" gets its leading quote)."""
    text = "" if value is None else str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    return formula_safe(text)


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _hooked(records: Iterator[Any], hook: Callable[[Sequence[Any]], None]) -> Iterator[Any]:
    """``records`` in batches of ``EXPORT_BATCH``, each batch given to ``hook`` first."""
    for batch in batched(records, EXPORT_BATCH):
        hook(batch)
        yield from batch


def csv_response(
    table: tables.Table,
    queryset: QuerySet | Sequence[Any],
    *,
    name: str,
    hook: Callable[[Sequence[Any]], None] | None = None,
) -> StreamingHttpResponse:
    """The table's rows for all of ``queryset`` (at most ``EXPORT_MAX_ROWS``) as a streamed CSV;
    ``hook`` (the list's ``page_hook``) sees each batch of records before it is written."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    first = queryset[:EXPORT_MAX_ROWS]
    records = (
        first.iterator(chunk_size=EXPORT_BATCH) if isinstance(first, QuerySet) else iter(first)
    )
    if hook is not None:
        records = _hooked(records, hook)

    def stream() -> Iterator[str]:
        yield "\ufeff"  # spreadsheet apps read the file as UTF-8 with the mark
        for cells in export_rows(table, records):
            yield writer.writerow(cells)

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.path
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return request.path


def _bulk(
    request: HttpRequest, queryset: QuerySet, actions: Sequence[BulkAction], id_field: str
) -> HttpResponse:
    """Run the posted handler action on the posted ids found in the scoped ``queryset``."""
    action = next((a for a in actions if a.name == request.POST.get("action")), None)
    if action is None or action.handler is None:
        messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(_back(request))
    ids = [i for i in request.POST.getlist("ids") if i and "\x00" not in i][:MAX_BULK]
    if not ids:
        messages.error(request, _("Select at least one row."))
        return HttpResponseRedirect(_back(request))
    try:
        objects = queryset.filter(**{f"{id_field}__in": ids})
        objects.exists()
    except (ValueError, TypeError, ValidationError):  # ids of the wrong shape (UUID keys)
        messages.error(request, _("Select at least one row."))
        return HttpResponseRedirect(_back(request))
    response = action.handler(request, objects)
    return response if response is not None else HttpResponseRedirect(_back(request))


def tab_links(
    request: HttpRequest, labels: Sequence[tuple[str, Any]], counts: dict[str, int]
) -> list[dict[str, Any]]:
    """The tabs above a list: each ``(key, label)`` with its count and its query string (the
    request's filters and sort kept, its page and export dropped; ``tab=<key>``, none for the
    key ""). Templates render ``?{{ t.query.urlencode }}``."""
    query = request.GET.copy()
    for name in ("page", "tab", "export"):
        query.pop(name, None)
    tabs = []
    for key, label in labels:
        params = query.copy()
        if key:
            params["tab"] = key
        tabs.append({"key": key, "label": label, "count": counts.get(key, 0), "query": params})
    return tabs


def list_page(
    request: HttpRequest,
    *,
    queryset: QuerySet | Records,
    filterset_class: type[django_filters.FilterSet],
    table_class: type[tables.Table],
    bulk_actions: Sequence[BulkAction] = (),
    template: str = PAGE_TEMPLATE,
    partial: str = PARTIAL_TEMPLATE,
    context: dict[str, Any] | None = None,
    export_name: str = "export",
    per_page: int = PAGE_SIZE,
    id_field: str = "pk",
    filter_kwargs: dict[str, Any] | None = None,
    table_kwargs: dict[str, Any] | None = None,
    page_hook: Callable[[Sequence[Any]], None] | None = None,
    status: int = 200,
) -> HttpResponse | StreamingHttpResponse:
    """The list page of ``queryset`` (already scoped by the caller's selector; or ``Records``):
    see the module docstring for the query parameters, the bulk actions and the context."""
    if request.method == "POST" and bulk_actions and isinstance(queryset, QuerySet):
        return _bulk(request, queryset, bulk_actions, id_field)
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, **(filter_kwargs or {})
    )
    rows = filterset.qs
    table = table_class(rows, **(table_kwargs or {}))
    _sort(table, request)
    if request.GET.get("export") == "csv":
        return csv_response(table, table.data.data, name=export_name, hook=page_hook)
    size = _page_size(request, per_page)
    page = _paginate(table, request, size)
    if page_hook is not None:
        page_hook(list(page.object_list))  # the same objects the table's rows render
    table.request = request
    form = filterset.form
    active = sum(
        1
        for name, field in form.fields.items()
        if form.is_bound and form.data.get(name) and not field.widget.is_hidden
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    data = {
        "filter": filterset,
        "table": table,
        "page": page,
        "page_obj": page,  # the name Django's ListView uses
        "bulk_actions": list(bulk_actions),
        "page_sizes": PAGE_SIZES,
        "per_page": size,
        "filtered": bool(active),
        "active_filters": active,
        "export_query": query.urlencode(),
        "list_url": request.path,
        **(context or {}),
    }
    response = render(request, partial if htmx_partial(request) else template, data, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
