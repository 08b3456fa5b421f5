"""Merchant pages for webhooks (the "developer" area): settings per topic, delivery log, replay.

Every lookup is scoped to ``request.merchant``: another merchant's message is a 404.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from dropyard.core.access import merchant_view
from dropyard.core.lists import list_page
from dropyard.core.views_helpers import flash_outcome

from . import selectors, services
from .choices import CallbackAction
from .forms import EndpointForm, TopicForm
from .lists import MessageFilter, MessageTable
from .selectors import MessageFilters
from .services import CallbackSetting

AREA = "developer"


@merchant_view(area=AREA)
def endpoint_settings(request: HttpRequest) -> HttpResponse:
    rows = selectors.webhook_endpoint_rows(merchant=request.merchant)
    return render(request, "webhooks/settings.html", {"rows": rows})


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@merchant_view(area=AREA)
@require_POST
def endpoint_set(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or gettext("Check the form."))
        return redirect("webhooks:settings")
    data = form.cleaned_data
    # Unticked still carries the URL: the page saves what the merchant typed, switched off.
    action = CallbackAction.ENABLE if data["enabled"] else CallbackAction.CANCEL
    setting = CallbackSetting(topic=data["topic"], action=action, urls=(data["url"],))
    flash_outcome(
        request,
        lambda: services.webhook_set(
            merchant=request.merchant,
            actor=request.user,
            settings_by_topic=[setting],
            request=request,
        ),
        success=gettext("The %(topic)s webhook was saved.") % {"topic": data["topic"]},
    )
    return redirect("webhooks:settings")


def _topic_action(request: HttpRequest, action, success: str) -> HttpResponse:
    form = TopicForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Unknown webhook topic."))
        return redirect("webhooks:settings")
    topic = form.cleaned_data["topic"]
    flash_outcome(request, lambda: action(topic), success=success % {"topic": topic})
    return redirect("webhooks:settings")


@merchant_view(area=AREA)
@require_POST
def endpoint_resume(request: HttpRequest) -> HttpResponse:
    return _topic_action(
        request,
        lambda topic: services.webhook_resume(
            merchant=request.merchant, actor=request.user, topic=topic, request=request
        ),
        gettext("The %(topic)s webhook is active again; waiting messages are being sent."),
    )


@merchant_view(area=AREA)
@require_POST
def endpoint_test(request: HttpRequest) -> HttpResponse:
    return _topic_action(
        request,
        lambda topic: services.webhook_send_test(
            merchant=request.merchant, actor=request.user, topic=topic, request=request
        ),
        gettext("A test message to the %(topic)s webhook is queued; see the delivery log."),
    )


@merchant_view(area=AREA)
def message_list(request: HttpRequest) -> HttpResponse:
    select = partial(selectors.webhook_message_list, merchant=request.merchant)
    return list_page(
        request,
        queryset=select(filters=MessageFilters()),
        filterset_class=MessageFilter,
        filter_kwargs={"select": select},
        table_class=MessageTable,
        template="webhooks/message_list.html",
        export_name="webhook-messages",
        context={
            "title": gettext("Webhook delivery log"),
            "noun": gettext_noop("message"),
            "noun_plural": gettext_noop("messages"),
            "empty_template": "webhooks/partials/_message_empty.html",
        },
    )


@merchant_view(area=AREA)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.webhook_message_get(merchant=request.merchant, pk=pk)
    context = {
        "message": message,
        "deliveries": selectors.webhook_delivery_list(message=message),
    }
    return render(request, "webhooks/message_detail.html", context)


@merchant_view(area=AREA)
def message_replay(request: HttpRequest, pk: int) -> HttpResponse:
    # Look up first: another merchant's message is a 404 whatever the method.
    message = selectors.webhook_message_get(merchant=request.merchant, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    flash_outcome(
        request,
        lambda: services.webhook_replay(message=message, actor=request.user, request=request),
        success=gettext("Replay queued: the message is sent again as a new delivery."),
    )
    return redirect("webhooks:message_detail", pk=message.pk)
