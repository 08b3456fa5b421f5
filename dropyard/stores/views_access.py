"""Store access of the team (the "settings" permission area): which stores each staff member
may open. The scope itself is the member's ``Membership.store_ids`` (accounts); this page lets a
manager pick it among the merchant's real stores and saves it with accounts'
``member_update`` (which keeps its rules: no escalation, a store-limited actor grants only
stores they have). Owners and admins always have every store, so only staff are listed."""

from collections.abc import Sequence
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts import selectors as account_selectors
from dropyard.accounts import services as account_services
from dropyard.accounts.choices import Area, MemberRole
from dropyard.accounts.models import Membership
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import SearchFilter, list_page

from . import selectors
from .forms import StoreAccessForm
from .lists import StoreAccessTable


def _stores(request: HttpRequest) -> list:
    return list(selectors.store_list(merchant=request.merchant))


@merchant_view(area=Area.SETTINGS)
def access_list(request: HttpRequest) -> HttpResponse:
    """The staff members and their stores on the generic list: search by email, CSV."""
    stores = {store.pk: store for store in _stores(request)}

    def with_stores(members: Sequence[Membership]) -> None:
        for member in members:
            member.limited = [stores[pk] for pk in member.store_ids if pk in stores]

    select = partial(selectors.store_access_list, merchant=request.merchant)
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={"search_with": select, "placeholder": _("Email")},
        table_class=StoreAccessTable,
        page_hook=with_stores,
        template="stores/access_list.html",
        export_name="store-access",
        context={
            "title": _("Store access"),
            "noun": gettext_noop("staff member"),
            "noun_plural": gettext_noop("staff members"),
            "empty_template": "stores/partials/_access_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


@merchant_view(area=Area.SETTINGS)
def access_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the member's stores as checkboxes; POST: save them (``member_update``)."""
    membership = account_selectors.member_get(merchant=request.merchant, pk=pk)
    stores = _stores(request)
    initial = {"all": not membership.store_ids, "stores": membership.store_ids}
    form = StoreAccessForm(
        request.POST if request.method == "POST" else None, initial=initial, stores=stores
    )
    if membership.role != MemberRole.STAFF:
        form = None  # owners and admins have every store; nothing to choose
    elif form.is_bound and form.is_valid():
        try:
            account_services.member_update(
                membership=membership,
                actor=request.user,
                role=membership.role,
                permissions=membership.permissions,
                store_ids=form.store_ids(),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Store access of %(email)s saved.") % {"email": membership.user.email}
            )
            return redirect("stores:access")
    context = {"membership": membership, "form": form, "has_stores": bool(stores)}
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "stores/access_edit.html", context, status=status)
