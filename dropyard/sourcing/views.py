"""Messages between a merchant and its personal agent: the merchant's thread and the back office.

Sending posts with htmx (the new message is appended to the thread) and also works as a plain
form post without JavaScript (post, redirect, get).
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from dropyard.accounts.models import MerchantAccount
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import list_page

from . import selectors, services
from .exceptions import MessageInvalid
from .forms import MessageForm
from .lists import ThreadFilter, ThreadTable


def _thread_response(
    request: HttpRequest,
    *,
    merchant: MerchantAccount,
    viewer_is_agent: bool,
    template: str,
    post_url: str,
) -> HttpResponse:
    """GET: mark the other side's messages read and show the thread. POST: send a message."""
    context = {
        "merchant": merchant,
        "agent": merchant.agent,
        "viewer_is_agent": viewer_is_agent,
        "post_url": post_url,
    }
    if request.method != "POST":
        services.thread_mark_read(merchant=merchant, reader=request.user)
        context.update(form=MessageForm(), thread=selectors.message_list(merchant))
        return render(request, template, context)

    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.message_send(
                merchant=merchant, sender=request.user, body=form.cleaned_data["body"]
            )
        except MessageInvalid as exc:
            form.add_error("body", exc.message)
        else:
            if htmx_partial(request):
                context["message"] = message
                return render(request, "sourcing/partials/_message.html", context)
            messages.success(request, gettext("Message sent."))
            return redirect(post_url)
    context["form"] = form
    if htmx_partial(request):
        response = render(request, "sourcing/partials/_message_form.html", context, status=400)
        response["HX-Retarget"] = "#message-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    context["thread"] = selectors.message_list(merchant)
    return render(request, template, context, status=400)


@merchant_view()
def thread(request: HttpRequest) -> HttpResponse:
    """The merchant's conversation with its personal agent (any member)."""
    return _thread_response(
        request,
        merchant=request.merchant,
        viewer_is_agent=False,
        template="sourcing/messages.html",
        post_url=reverse("sourcing:messages"),
    )


@operator_view(roles={"agent", "admin"})
def ops_threads(request: HttpRequest) -> HttpResponse:
    select = partial(selectors.thread_list_for_agent, request.user)
    admin = request.user.operator_role == "admin"
    return list_page(
        request,
        queryset=select(),
        filterset_class=ThreadFilter,
        filter_kwargs={"select": select},
        table_class=ThreadTable,
        table_kwargs={"exclude": () if admin else ("agent",)},
        template="sourcing/ops_threads.html",
        export_name="threads",
        context={
            "title": gettext("Messages"),
            "noun": gettext_noop("conversation"),
            "noun_plural": gettext_noop("conversations"),
            "empty_template": "sourcing/partials/_thread_empty.html",
        },
    )


@operator_view(roles={"agent", "admin"})
def ops_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One merchant's conversation; an agent reaches only their own merchants (else 404)."""
    merchant = selectors.thread_get_for_operator(operator=request.user, merchant_id=pk)
    return _thread_response(
        request,
        merchant=merchant,
        viewer_is_agent=True,
        template="sourcing/ops_thread.html",
        post_url=reverse("sourcing:ops_thread", args=[merchant.pk]),
    )
