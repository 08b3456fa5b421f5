"""The merchant page that connects a Medusa v2 store with a secret API key. Thin: one service
call; the service checks the key against the store and says which field is at fault."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError

from . import services
from .forms import MedusaConnectForm

AREA = "stores"


@merchant_view(area=AREA)
def connect_medusa(request: HttpRequest) -> HttpResponse:
    """GET the form; POST checks the key against the store and connects it."""
    form = MedusaConnectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            store = services.medusa_store_connect(
                merchant=request.merchant,
                actor=request.user,
                base_url=form.cleaned_data["base_url"],
                api_key=form.cleaned_data["api_key"],
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            errors = (exc.extra or {}).get("errors") or {}
            placed = False
            for field, message in errors.items():
                if field in form.fields:
                    form.add_error(field, message)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Medusa store %(store)s is connected (%(currency)s). Its orders are "
                    "fetched every few minutes; connect its products to Dropyard variants so they "
                    "can be imported."
                )
                % {"store": store.name, "currency": store.currency},
            )
            return redirect("stores:detail", public_id=store.public_id)
    status = 400 if form.errors else 200
    return render(request, "stores/connect_medusa.html", {"form": form}, status=status)
