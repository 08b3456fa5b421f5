"""The operator's ticket desk (/ops/after-sales/tickets/): queues (unassigned, mine, awaiting
reply, overdue by SLA, on hold, all) sorted by due time, and a ticket's page (thread, reply,
assign, hold or collaborate, complete).

For admin, support, finance and agents; an agent reaches only their own merchants' tickets
(``tickets_selectors.tickets_for_operator``: another merchant's ticket answers 404 for any
method, since the ticket is looked up before the method is checked).
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from dropyard.core.access import operator_view
from dropyard.core.lists import SearchFilter, list_page
from dropyard.core.views_helpers import flash_outcome

from . import tickets_selectors, tickets_services
from .choices import MessageSide
from .choices_tickets import OPEN_TICKET_STATUSES
from .forms_tickets import AssignForm, HoldForm, ReplyForm
from .lists_tickets import DeskTable
from .models_tickets import Ticket
from .views_tickets import reply_post, status_tabs, thread_context

DESK_ROLES = {"admin", "support", "agent", "finance"}
QUEUE_LABELS = [
    ("unassigned", gettext_noop("Unassigned")),
    ("mine", gettext_noop("Mine")),
    ("awaiting", gettext_noop("Awaiting reply")),
    ("overdue", gettext_noop("Overdue")),
    ("hold", gettext_noop("On hold")),
    ("all", gettext_noop("All")),
]


def _queue(request: HttpRequest) -> str:
    queue = request.GET.get("queue", "")
    return queue if queue in tickets_selectors.DESK_QUEUES else "awaiting"


@operator_view(roles=DESK_ROLES)
def tickets(request: HttpRequest) -> HttpResponse:
    queue = _queue(request)
    now = timezone.now()
    select = partial(
        tickets_selectors.tickets_for_operator, user=request.user, queue=queue, now=now
    )
    counts = tickets_selectors.desk_queue_counts(user=request.user, now=now)
    tabs = status_tabs(request, QUEUE_LABELS, counts, "queue")
    for tab in tabs:  # "awaiting" is the default queue: its link names it all the same
        tab["query"]["queue"] = tab["key"]
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": select,
            "placeholder": gettext("Subject, ticket or order code"),
        },
        table_class=DeskTable,
        page_hook=partial(_mark_overdue, now=now),
        template="aftersales/ops/desk.html",
        export_name="tickets",
        context={
            "title": gettext("Ticket desk"),
            "tab": queue,
            "tabs": tabs,
            "keep_params": [("queue", queue)],
            "noun": gettext_noop("ticket"),
            "noun_plural": gettext_noop("tickets"),
            "empty_template": "aftersales/ops/_empty.html",
        },
    )


def _mark_overdue(records, *, now) -> None:
    for record in records:
        record.overdue = tickets_selectors.is_overdue(record, now=now)


def _detail(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftersales/ops/ticket_detail.html",
        {
            "ticket": ticket,
            "thread": thread_context(ticket),
            "events": ticket.events.select_related("actor").order_by("created_at", "pk"),
            "reply_form": reply or ReplyForm(),
            "assign_form": AssignForm(initial={"assignee": ticket.assigned_to_id}),
            "hold_form": HoldForm(),
            "is_open": ticket.status in OPEN_TICKET_STATUSES,
            "overdue": tickets_selectors.is_overdue(ticket),
        },
        status=status,
    )


def _get(request: HttpRequest, public_id: str) -> Ticket:
    return tickets_selectors.ticket_get_for_operator(user=request.user, public_id=public_id)


@operator_view(roles=DESK_ROLES)
def ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail(request, _get(request, public_id))


@operator_view(roles=DESK_ROLES)
def ticket_reply(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _get(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = reply_post(request, found, side=MessageSide.OPERATOR)
    if form is None:
        messages.success(request, gettext("Reply sent; the ticket awaits the merchant."))
        return redirect("aftersales_ops:ticket", public_id=found.public_id)
    return _detail(request, found, reply=form, status=400)


@operator_view(roles=DESK_ROLES)
def ticket_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _get(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose someone from the list."))
    else:
        assignee = form.cleaned_data["assignee"]
        flash_outcome(
            request,
            lambda: tickets_services.ticket_assign(
                ticket=found, actor=request.user, assignee=assignee
            ),
            success=gettext("Ticket assigned.") if assignee else gettext("Ticket unassigned."),
        )
    return redirect("aftersales_ops:ticket", public_id=found.public_id)


@operator_view(roles=DESK_ROLES)
def ticket_hold(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _get(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose where the ticket goes."))
    else:
        flash_outcome(
            request,
            lambda: tickets_services.ticket_hold(
                ticket=found,
                actor=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
            success=gettext("Ticket status changed."),
        )
    return redirect("aftersales_ops:ticket", public_id=found.public_id)


@operator_view(roles=DESK_ROLES)
def ticket_complete(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _get(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    flash_outcome(
        request,
        lambda: tickets_services.ticket_complete(
            ticket=found, actor=request.user, side=MessageSide.OPERATOR
        ),
        success=gettext("Ticket completed; the merchant can now rate it."),
    )
    return redirect("aftersales_ops:ticket", public_id=found.public_id)
