"""The merchant's tickets to management (/after-sales/tickets/): the list with status tabs and
search, a new ticket, and a ticket's page (thread, reply, complete, remind, rate).

Any member of the account may use them. Every lookup goes through ``tickets_selectors`` scoped
to ``request.merchant`` (another merchant's ticket answers 404 for any method, since the
ticket is looked up before the method is checked); every write is one service call, and a
refusal becomes a message or a form error.
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop, ngettext

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import SearchFilter, list_page
from dropyard.core.views_helpers import flash_outcome

from . import links, tickets_selectors, tickets_services
from .choices import MessageSide
from .choices_tickets import OPEN_TICKET_STATUSES, TicketStatus
from .exceptions_tickets import (
    AttachmentRefused,
    TicketDisputeNotFound,
    TicketOrderNotFound,
)
from .forms_tickets import RateForm, ReplyForm, TicketForm
from .lists_tickets import TicketTable
from .models_tickets import Ticket

TAB_LABELS = [
    ("", gettext_noop("All")),
    ("support", gettext_noop("Awaiting support")),
    ("you", gettext_noop("Awaiting your reply")),
    ("completed", gettext_noop("Completed")),
    ("expired", gettext_noop("Expired")),
]


def error_field(exc: DomainError) -> str | None:
    """The form field a refusal is about (None: the whole form)."""
    if isinstance(exc, TicketOrderNotFound):
        return "order_code"
    if isinstance(exc, TicketDisputeNotFound):
        return "dispute"
    if isinstance(exc, AttachmentRefused):
        return "attachments"
    return None


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in tickets_selectors.TICKET_TABS else ""


def status_tabs(request: HttpRequest, labels: list, counts: dict[str, int], key: str) -> list:
    """Tab links that keep the list's other query parameters (search, sort)."""
    query = request.GET.copy()
    for name in ("page", key, "export"):
        query.pop(name, None)
    tabs = []
    for value, label in labels:
        params = query.copy()
        if value:
            params[key] = value
        tabs.append(
            {"key": value, "label": gettext(label), "count": counts.get(value, 0), "query": params}
        )
    return tabs


@merchant_view()
def tickets(request: HttpRequest) -> HttpResponse:
    tab = _tab(request)
    select = partial(tickets_selectors.ticket_list, merchant=request.merchant, tab=tab)
    counts = tickets_selectors.ticket_tab_counts(merchant=request.merchant)
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": select,
            "placeholder": gettext("Subject, ticket or order code"),
        },
        table_class=TicketTable,
        template="aftersales/tickets/ticket_list.html",
        export_name="tickets",
        context={
            "title": gettext("Tickets"),
            "tab": tab,
            "tabs": status_tabs(request, TAB_LABELS, counts, "tab"),
            "keep_params": [("tab", tab)] if tab else [],
            "pending": counts.get("you", 0),
            "noun": gettext_noop("ticket"),
            "noun_plural": gettext_noop("tickets"),
            "empty_template": "aftersales/tickets/_empty.html",
        },
    )


@merchant_view()
def ticket_new(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES, merchant=merchant)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = tickets_services.ticket_create(
                    merchant=merchant,
                    actor=request.user,
                    category=data["category"],
                    priority=data["priority"],
                    subject=data["subject"],
                    message=data["message"],
                    order_key=data["order_code"],
                    dispute_key=data["dispute"],
                    sourcing_reference=data["sourcing_reference"],
                    uploads=form.uploads(),
                    store_ids=request.membership.store_scope,
                )
            except DomainError as exc:
                form.add_error(error_field(exc), exc.message)
            else:
                days = _sla_days()
                messages.success(
                    request,
                    ngettext(
                        "Ticket %(code)s sent. Support answers within %(days)s working day.",
                        "Ticket %(code)s sent. Support answers within %(days)s working days.",
                        days,
                    )
                    % {"code": ticket.code, "days": days},
                )
                return redirect("aftersales:ticket", public_id=ticket.public_id)
        status = 400
    else:
        initial = {}
        order_code = request.GET.get("order", "")
        if order_code and "\x00" not in order_code:
            initial = {"order_code": order_code[:64], "category": "order"}
        form = TicketForm(initial=initial, merchant=merchant)
        status = 200
    return render(
        request,
        "aftersales/tickets/ticket_new.html",
        {"form": form, "sla_days": _sla_days()},
        status=status,
    )


def _sla_days() -> int:
    return settings.DROPYARD_TICKET_SLA_WORKING_DAYS


def reply_post(request: HttpRequest, ticket: Ticket, *, side: str) -> ReplyForm | None:
    """Send the posted reply as ``side``: None when sent, else the form with its errors (the
    ticket re-read, since nothing was written)."""
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            tickets_services.ticket_reply(
                ticket=ticket,
                actor=request.user,
                side=side,
                body=form.cleaned_data["message"],
                uploads=form.uploads(),
            )
        except DomainError as exc:
            form.add_error(error_field(exc), exc.message)
        else:
            return None
    ticket.refresh_from_db()
    return form


def thread_context(ticket: Ticket) -> list:
    """The thread with each attachment's signed link (made after the scoped lookup)."""
    thread = list(tickets_selectors.ticket_messages(ticket=ticket))
    for message in thread:
        message.files = [
            (row, links.signed_url(kind="ticket", public_id=row.public_id))
            for row in message.attachments.all()
        ]
    return thread


def _detail(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply: ReplyForm | None = None,
    rate: RateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftersales/tickets/ticket_detail.html",
        {
            "ticket": ticket,
            "thread": thread_context(ticket),
            "reply_form": reply or ReplyForm(),
            "rate_form": rate or RateForm(),
            "can_reply": ticket.status in OPEN_TICKET_STATUSES,
            "can_remind": tickets_selectors.can_remind(ticket),
            "can_rate": ticket.status == TicketStatus.COMPLETED,
            "expire_days": settings.DROPYARD_TICKET_EXPIRE_DAYS,
        },
        status=status,
    )


@merchant_view()
def ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    found = tickets_selectors.ticket_get(merchant=request.merchant, public_id=public_id)
    return _detail(request, found)


@merchant_view()
def ticket_reply(request: HttpRequest, public_id: str) -> HttpResponse:
    found = tickets_selectors.ticket_get(merchant=request.merchant, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = reply_post(request, found, side=MessageSide.MERCHANT)
    if form is None:
        messages.success(request, gettext("Reply sent."))
        return redirect("aftersales:ticket", public_id=found.public_id)
    return _detail(request, found, reply=form, status=400)


@merchant_view()
def ticket_complete(request: HttpRequest, public_id: str) -> HttpResponse:
    found = tickets_selectors.ticket_get(merchant=request.merchant, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    flash_outcome(
        request,
        lambda: tickets_services.ticket_complete(
            ticket=found, actor=request.user, side=MessageSide.MERCHANT
        ),
        success=gettext("Ticket completed. Tell us how it went below."),
    )
    return redirect("aftersales:ticket", public_id=found.public_id)


@merchant_view()
def ticket_remind(request: HttpRequest, public_id: str) -> HttpResponse:
    found = tickets_selectors.ticket_get(merchant=request.merchant, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    flash_outcome(
        request,
        lambda: tickets_services.ticket_remind(ticket=found, actor=request.user),
        success=gettext("Reminder sent to support."),
    )
    return redirect("aftersales:ticket", public_id=found.public_id)


@merchant_view()
def ticket_rate(request: HttpRequest, public_id: str) -> HttpResponse:
    found = tickets_selectors.ticket_get(merchant=request.merchant, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            tickets_services.ticket_evaluate(
                ticket=found,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Thank you for your rating."))
            return redirect("aftersales:ticket", public_id=found.public_id)
    return _detail(request, found, rate=form, status=400)
