"""Operator back office for accounts: supplier applications, merchant accounts, operator staff."""

from functools import partial

from allauth.account.forms import ResetPasswordForm
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.core.access import operator_view
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import EXPORT_BUTTON, SearchFilter, list_page, table_page
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .choices import OperatorRole, SupplierApplicationStatus
from .forms_ops import (
    ALL,
    AgentAssignForm,
    OperatorCreateForm,
    OperatorRoleForm,
    StaffFilterForm,
    SupplierQueueFilterForm,
    SupplierRejectForm,
)
from .lists import (
    MemberTable,
    MerchantTable,
    StaffFilter,
    StaffTable,
    SupplierApplicationTable,
    area_labels,
)
from .models import User

SUPPLIER_REVIEWERS = {OperatorRole.SUPPORT}
MERCHANT_VIEWERS = {OperatorRole.AGENT, OperatorRole.SUPPORT}


def _agent_scope(user: User) -> User | None:
    """Agents see only their own merchants; admin and support see every merchant."""
    return user if user.operator_role == OperatorRole.AGENT else None


# --- Supplier applications --------------------------------------------------------------------


@operator_view(roles=SUPPLIER_REVIEWERS)
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    status = SupplierQueueFilterForm(request.GET).filters()["status"]
    scope = None if status == ALL else status
    return list_page(
        request,
        queryset=selectors.supplier_application_list(status=scope),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": partial(selectors.supplier_application_list, status=scope),
            "placeholder": gettext("Company or applicant email"),
        },
        table_class=SupplierApplicationTable,
        template="accounts/ops/supplier_list.html",
        export_name="supplier-applications",
        context={
            "title": gettext("Supplier applications"),
            "status": status,
            "tabs": [*SupplierApplicationStatus.choices, (ALL, gettext("All"))],
            "keep_params": [("status", status)],
            "pending_count": selectors.supplier_application_pending_count(),
            "noun": gettext_noop("application"),
            "noun_plural": gettext_noop("applications"),
            "empty_template": "accounts/ops/partials/_supplier_empty.html",
        },
    )


def _supplier_detail_response(
    request: HttpRequest, application, *, reject_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "application": application,
        "reject_form": reject_form or SupplierRejectForm(),
        "reject_open": reject_form is not None,
        "is_own": application.applicant_id == request.user.pk,
    }
    return render(request, "accounts/ops/supplier_detail.html", context, status=status)


@operator_view(roles=SUPPLIER_REVIEWERS)
@require_GET
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _supplier_detail_response(request, selectors.supplier_application_get(pk=pk))


@operator_view(roles=SUPPLIER_REVIEWERS)
@require_POST
def supplier_approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.supplier_application_get(pk=pk)
    flash_outcome(
        request,
        lambda: services.supplier_application_approve(
            application=application, actor=request.user, request=request
        ),
        success=gettext("%(name)s is now an approved supplier.")
        % {"name": application.company_name},
    )
    return redirect("accounts_ops:supplier_detail", pk=application.pk)


@operator_view(roles=SUPPLIER_REVIEWERS)
@require_POST
def supplier_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.supplier_application_get(pk=pk)
    form = SupplierRejectForm(request.POST)
    if not form.is_valid():
        return _supplier_detail_response(request, application, reject_form=form, status=400)
    flash_outcome(
        request,
        lambda: services.supplier_application_reject(
            application=application,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        success=gettext("The application of %(name)s was rejected.")
        % {"name": application.company_name},
    )
    return redirect("accounts_ops:supplier_detail", pk=application.pk)


# --- Merchant accounts ------------------------------------------------------------------------


@operator_view(roles=MERCHANT_VIEWERS)
@require_GET
def merchants(request: HttpRequest) -> HttpResponse:
    agent = _agent_scope(request.user)
    return list_page(
        request,
        queryset=selectors.merchant_list(agent=agent),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": partial(selectors.merchant_list, agent=agent),
            "placeholder": gettext("Business, account number or member email"),
        },
        table_class=MerchantTable,
        template="accounts/ops/merchant_list.html",
        export_name="merchants",
        context={
            "title": gettext("My merchants") if agent is not None else gettext("Merchants"),
            "noun": gettext_noop("merchant"),
            "noun_plural": gettext_noop("merchants"),
            "empty_template": "accounts/ops/partials/_merchant_empty.html",
        },
    )


def _merchant_detail_response(
    request: HttpRequest, merchant, *, agent_form=None, status: int = 200
) -> HttpResponse:
    can_assign = request.user.operator_role == OperatorRole.ADMIN
    if can_assign and agent_form is None:
        agent_form = AgentAssignForm(initial={"agent": merchant.agent_id})
    member_table = MemberTable(
        selectors.member_list(merchant=merchant), exclude=("action",), prefix="m"
    )
    members = table_page(request, member_table)
    for member in members.object_list:
        member.area_labels = area_labels(member.role, member.permissions)
    context = {
        "merchant": merchant,
        "members": members,
        "member_table": member_table,
        "noun": gettext_noop("member"),
        "noun_plural": gettext_noop("members"),
        "agent_form": agent_form if can_assign else None,
    }
    if htmx_partial(request) and request.htmx.target == "members":  # a sort or page link
        response = render(request, "accounts/ops/partials/_merchant_members.html", context)
    else:
        response = render(request, "accounts/ops/merchant_detail.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@operator_view(roles=MERCHANT_VIEWERS)
@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(pk=pk, agent=_agent_scope(request.user))
    return _merchant_detail_response(request, merchant)


@operator_view()
@require_POST
def merchant_agent(request: HttpRequest, pk: int) -> HttpResponse:
    """Admin only: assign, change or clear the merchant's personal agent."""
    merchant = selectors.merchant_get(pk=pk)
    form = AgentAssignForm(request.POST)
    if not form.is_valid():
        return _merchant_detail_response(request, merchant, agent_form=form, status=400)
    agent = form.cleaned_data["agent"]
    flash_outcome(
        request,
        lambda: services.merchant_agent_assign(merchant=merchant, agent=agent, actor=request.user),
        success=gettext("Personal agent set to %(email)s.") % {"email": agent.email}
        if agent
        else gettext("Personal agent removed."),
    )
    return redirect("accounts_ops:merchant_detail", pk=merchant.pk)


# --- Operator staff ---------------------------------------------------------------------------


def _staff_response(request: HttpRequest, *, create_form=None, status: int = 200) -> HttpResponse:
    """Operator staff (the generic list: a tab per role, search, status) and the add form; a
    failed add shows the list again with the form's errors (``status`` 400)."""
    role = StaffFilterForm(request.GET).role_filter()
    return list_page(
        request,
        queryset=selectors.operator_list(role=role or None),
        filterset_class=StaffFilter,
        filter_kwargs={"role": role},
        table_class=StaffTable,
        template="accounts/ops/staff_list.html",
        export_name="operator-staff",
        status=status,
        context={
            "title": gettext("Operator staff"),
            "role": role,
            "roles": OperatorRole.choices,
            "keep_params": [("role", role)] if role else [],
            "create_form": create_form or OperatorCreateForm(),
            "create_open": create_form is not None,
            "results_actions_template": EXPORT_BUTTON,
            "noun": "operator",
            "noun_plural": "operators",
            "empty_filtered_text": gettext("No operator staff match these filters."),
            "empty_text": gettext("No operator staff with this role yet. Add one below.")
            if role
            else gettext("No operator staff yet. Add one below."),
        },
    )


def _send_password_setup_email(request: HttpRequest, user: User) -> None:
    """Email allauth's password-reset link so a new operator can choose a password."""
    reset = ResetPasswordForm(data={"email": user.email})
    if reset.is_valid():
        reset.save(request)


@operator_view()
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    """Operator staff by role, and the form to add an operator (admin only)."""
    if request.method == "GET":
        return _staff_response(request)
    form = OperatorCreateForm(request.POST)
    if form.is_valid():
        user = form_call(
            form,
            lambda: services.operator_create(
                actor=request.user, password=None, **form.cleaned_data
            ),
        )
        if user is not None:
            _send_password_setup_email(request, user)
            messages.success(
                request,
                gettext(
                    "%(email)s is now %(role)s staff. We emailed them a link to set their password."
                )
                % {"email": user.email, "role": user.get_operator_role_display().lower()},
            )
            return redirect("accounts_ops:staff")
    return _staff_response(request, create_form=form, status=400)


def _staff_edit_response(
    request: HttpRequest, operator: User, *, role_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "operator": operator,
        "is_self": operator.pk == request.user.pk,
        "role_form": role_form or OperatorRoleForm(initial={"role": operator.operator_role}),
        "agent_merchant_count": selectors.merchant_list(agent=operator).count()
        if operator.operator_role == OperatorRole.AGENT
        else 0,
    }
    return render(request, "accounts/ops/staff_edit.html", context, status=status)


@operator_view()
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an operator's role (never one's own)."""
    operator = selectors.operator_get(pk=pk)
    if request.method == "GET":
        return _staff_edit_response(request, operator)
    form = OperatorRoleForm(request.POST)
    if form.is_valid():
        updated = form_call(
            form,
            lambda: services.operator_role_set(
                user=operator, role=form.cleaned_data["role"], actor=request.user
            ),
        )
        if updated is not None:
            messages.success(
                request,
                gettext("%(email)s is now %(role)s.")
                % {"email": operator.email, "role": operator.get_operator_role_display().lower()},
            )
            return redirect("accounts_ops:staff")
    return _staff_edit_response(request, operator, role_form=form, status=400)


@operator_view()
@require_POST
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an operator's back-office access (their role becomes empty)."""
    operator = selectors.operator_get(pk=pk)
    if not flash_outcome(
        request,
        lambda: services.operator_role_set(user=operator, role="", actor=request.user),
        success=gettext("%(email)s no longer has back-office access.") % {"email": operator.email},
    ):
        return redirect("accounts_ops:staff_edit", pk=operator.pk)
    return redirect("accounts_ops:staff")
