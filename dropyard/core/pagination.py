"""One pagination rule for every dashboard list: 25 rows a page, bad page numbers clamp."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, items, *, param: str = "page", per_page: int = PAGE_SIZE
) -> Page:
    """The page named by ``?page=`` (the last page if too high, the first if not a number).

    ``param`` names another query parameter, for a second list on the same page (``?tpage=``).
    """
    return Paginator(items, per_page).get_page(request.GET.get(param))
