"""Attach the current merchant membership to each request."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from dropyard.core.boundary import API_PATH_PREFIX

from .selectors import membership_get_for

SESSION_KEY = "dropyard_merchant_id"


def _membership(request: HttpRequest):
    user = request.user
    if not user.is_authenticated:
        return None
    return membership_get_for(user=user, merchant_id=request.session.get(SESSION_KEY))


class CurrentMerchantMiddleware:
    """Sets ``request.membership`` (lazy) and ``request.merchant`` for logged-in merchant people.

    The merchant is the one chosen in the session if the user still belongs to it, else the
    user's first membership; None for operators and suppliers without a merchant account.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: _membership(request))
        request.merchant = SimpleLazyObject(
            lambda: request.membership.merchant if request.membership else None
        )
        return self.get_response(request)


class UserLanguageMiddleware:
    """Shows each logged-in person the pages in the language they chose (``User.language``).

    Anonymous visitors and people who chose none get the site's default (``LANGUAGE_CODE``), not
    the browser's: a shared warehouse PC must not switch language with the browser it runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = (user.is_authenticated and user.language) or settings.LANGUAGE_CODE
        if request.path.startswith(API_PATH_PREFIX):
            # The developer API answers in English (the CJ contract's words), even to a browser
            # that carries a Chinese-speaking person's session: labels never leak into it.
            language = settings.LANGUAGE_CODE
        # override, not activate: the thread goes back to the default language afterwards, so
        # work done outside a request (tasks, tests, management commands) never inherits it.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
