"""Access control for dashboard views, declared on every view and checked by one place.

Every view is wrapped by exactly one of ``public_view``, ``login_view``, ``merchant_view``,
``operator_view`` or ``supplier_view``. The wrapper records an ``Access`` on the view function;
the route-permission matrix test walks every URL and fails on any view without one.

- anonymous → redirect to the login page (``public_view`` excepted);
- ``merchant_view``: the user needs a merchant membership (operators and suppliers get 403) and,
  when ``area`` is given, that permission area (else 403). Objects are looked up through
  selectors scoped to ``request.merchant``, so another merchant's ids answer 404;
- ``operator_view``: the user needs one of ``roles`` (operator admins always pass), else 403;
- ``supplier_view``: the user needs an active approved supplier (``user.supplier``), else 403.
  The view finds it on ``request.supplier`` and looks objects up through selectors scoped to
  it, so another supplier's ids answer 404.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import NotFound
from .errors import PermissionDenied as DomainPermissionDenied

# The operator role that may do everything (accounts.choices.OperatorRole.ADMIN; core sits below
# accounts, so it names the stored value; accounts' tests hold the two equal).
OPERATOR_ADMIN = "admin"


@dataclass(frozen=True)
class Access:
    """How a view is protected: kind is public, login, merchant, operator or supplier."""

    kind: str
    area: str | None = None
    roles: frozenset[str] = frozenset()


View = Callable[..., HttpResponse]


def _mark(view: View, access: Access) -> View:
    view.dropyard_access = access  # type: ignore[attr-defined]
    return view


def _translate_domain_errors(view: View) -> View:
    """Scoped lookups raise NotFound / PermissionDenied; turn them into 404 / 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def public_view(view: View) -> View:
    """No login needed (sign-in pages, public tracking, invitation landing)."""
    return _mark(_translate_domain_errors(view), Access("public"))


def login_view(view: View) -> View:
    """Any logged-in user (own profile, supplier application, account chooser)."""
    inner = _translate_domain_errors(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return inner(request, *args, **kwargs)

    return _mark(wrapper, Access("login"))


def merchant_view(area: str | None = None) -> Callable[[View], View]:
    """A merchant page; ``area`` is the permission area staff need (None: any member)."""

    def decorate(view: View) -> View:
        inner = _translate_domain_errors(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if not membership:
                return render(request, "core/no_merchant.html", status=403)
            if area is not None and not membership.has_area(area):
                raise PermissionDenied(
                    _("You need the %(area)s permission for this page") % {"area": area}
                )
            return inner(request, *args, **kwargs)

        return _mark(wrapper, Access("merchant", area=area))

    return decorate


def operator_view(roles: Iterable[str] = ()) -> Callable[[View], View]:
    """A back-office page for operator staff with one of ``roles`` (admin always allowed)."""
    allowed = frozenset(roles) | {OPERATOR_ADMIN}

    def decorate(view: View) -> View:
        inner = _translate_domain_errors(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.operator_role not in allowed:
                raise PermissionDenied(_("This back-office page is for operator staff"))
            return inner(request, *args, **kwargs)

        return _mark(wrapper, Access("operator", roles=allowed))

    return decorate


def supplier_view(view: View) -> View:
    """A supplier-portal page: the user's supplier (approved, active) is ``request.supplier``."""
    inner = _translate_domain_errors(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The reverse one-to-one raises an AttributeError subclass when there is none.
        supplier = getattr(request.user, "supplier", None)
        if supplier is None or not supplier.is_active:
            raise PermissionDenied(_("The supplier portal is for approved suppliers"))
        request.supplier = supplier  # type: ignore[attr-defined]
        return inner(request, *args, **kwargs)

    return _mark(wrapper, Access("supplier"))
