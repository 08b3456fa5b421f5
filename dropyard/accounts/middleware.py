"""Attach the current merchant membership to each request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

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
