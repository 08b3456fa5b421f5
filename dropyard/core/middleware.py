"""Project middleware of core: the input boundary (``core.boundary``) and its 400 page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dropyard.core.api import api_error_response
from dropyard.core.boundary import API_PATH_PREFIX, request_problem
from dropyard.core.errors import ErrorCode


def bad_request_page(request: HttpRequest, message: str) -> HttpResponse:
    """The web UI's 400 page with ``message`` (the boundary's refusals and Django's own)."""
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: Django's own refusals (oversized form fields, too many fields, a bad
    Host header) in the site's 400 page rather than Django's bare template."""
    return bad_request_page(request, "The request could not be understood.")


class InputBoundaryMiddleware:
    """Refuses, before any view, a request ``request_problem`` finds fault with: an error
    envelope (1600300) under ``/api2.0/``, the 400 page elsewhere.

    Sits last in ``MIDDLEWARE`` so the 400 page has the user and merchant of the request (the
    earlier middleware reads neither the path nor the parameters, only cookies and headers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path_info.startswith(API_PATH_PREFIX):
            return api_error_response(request, code=ErrorCode.PARAM_ERROR, message=problem.message)
        return bad_request_page(request, problem.message)
