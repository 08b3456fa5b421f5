"""Merchant-side account pages: profile, team and invitations, API keys, merchant switching.

Each view parses with a form, calls one service or selector and renders. Objects are looked up
through selectors scoped to the current merchant, so another merchant's ids answer 404.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dropyard.core.access import login_view, merchant_view, public_view
from dropyard.core.errors import DomainError, NotFound
from dropyard.core.htmx import htmx_partial, render_page_or_partial
from dropyard.core.lists import csv_response, row_response, table_page

from . import selectors, services
from .choices import Area, MemberRole
from .exceptions import InvitationInvalid
from .forms import (
    ApiKeyForm,
    InvitationSignupForm,
    InviteForm,
    LanguageForm,
    MemberForm,
    ProfileForm,
    SwitchMerchantForm,
)
from .lists import ApiKeyTable, InvitationTable, MemberTable, TokenTable, area_labels
from .middleware import SESSION_KEY
from .models import Membership, MerchantAccount, User

API_DOCS_URL = "/api2.0/v1/docs"


def _htmx_alert(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """An htmx answer that shows ``message`` in the page's alert area instead of the target."""
    response = render(request, "accounts/partials/_alert.html", {"message": message}, status=status)
    response["HX-Retarget"] = "#page-alerts"
    response["HX-Reswap"] = "innerHTML"
    return response


# --- Profile and merchant switching -----------------------------------------------------------


def _profile_initial(merchant: MerchantAccount) -> dict:
    return {
        "business_name": merchant.business_name,
        "niche": merchant.niche,
        "target_markets": merchant.target_markets,
        "contact_name": merchant.contact_name,
        "contact_email": merchant.contact_email,
        "contact_phone": merchant.contact_phone,
    }


@merchant_view(area=Area.SETTINGS)
def profile(request: HttpRequest) -> HttpResponse:
    merchant = request.membership.merchant
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.merchant_profile_update(
                    merchant=merchant, actor=request.user, request=request, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=_profile_initial(merchant))
    context = {
        "form": form,
        "merchant": merchant,
        "memberships": selectors.membership_list_for_user(user=request.user),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@login_view
@require_POST
def switch_merchant(request: HttpRequest) -> HttpResponse:
    """Make another of the user's merchant accounts the current one (kept in the session)."""
    form = SwitchMerchantForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("Merchant account not found"))
    merchant_id = form.cleaned_data["merchant_id"]
    membership = selectors.membership_get_for(user=request.user, merchant_id=merchant_id)
    if membership is None or membership.merchant_id != merchant_id:
        raise NotFound(_("Merchant account not found"))
    request.session[SESSION_KEY] = merchant_id
    messages.success(
        request,
        _("Now working in %(merchant)s.") % {"merchant": membership.merchant.business_name},
    )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("dashboard:home")


@login_view
def language(request: HttpRequest) -> HttpResponse:
    """The language of the pages, for anyone logged in (operators, merchant people, suppliers)."""
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            services.user_language_set(user=request.user, language=form.cleaned_data["language"])
            # The confirmation in the language just chosen; override (not activate) so the
            # rest of this request keeps the middleware's language and the thread is reset.
            with translation.override(request.user.language or settings.LANGUAGE_CODE):
                messages.success(request, _("Language saved."))
            return redirect("accounts:language")
    else:
        form = LanguageForm(initial={"language": request.user.language})
    status = 400 if form.errors else 200
    return render(request, "accounts/language.html", {"form": form}, status=status)


# --- Team: members and invitations -----------------------------------------------------------


def _can_change(actor: Membership, member: Membership) -> bool:
    """Whether ``actor`` is offered edit/remove for ``member`` (the services decide for real)."""
    if member.role == MemberRole.OWNER or member.user_id == actor.user_id:
        return False
    return actor.is_manager or member.role != MemberRole.ADMIN


def _member_row(actor: Membership, member: Membership) -> Membership:
    """Attach what the table row shows: area labels and whether edit/remove are offered."""
    member.area_labels = area_labels(member.role, member.permissions)
    member.can_change = _can_change(actor, member)
    return member


def _team_context(request: HttpRequest, form: InviteForm | None = None) -> dict:
    actor = request.membership
    merchant = actor.merchant
    member_table = MemberTable(selectors.member_list(merchant=merchant))
    members = table_page(request, member_table)
    for member in members.object_list:
        _member_row(actor, member)
    invitation_table = InvitationTable(selectors.invitation_list(merchant=merchant), prefix="i")
    invitations = table_page(request, invitation_table)
    for invitation in invitations.object_list:
        invitation.area_labels = area_labels(invitation.role, invitation.permissions)
    return {
        "merchant": merchant,
        "members": members,
        "member_table": member_table,
        "invitations": invitations,
        "invitation_table": invitation_table,
        "form": form,
        "actor": actor,
        "invitation_days": services.INVITATION_DAYS,
    }


@merchant_view(area=Area.SETTINGS)
def team(request: HttpRequest) -> HttpResponse:
    """Members, pending invitations and the invite form (POST sends an invitation);
    ``?export=csv``: the members as a CSV file."""
    actor = request.membership
    if request.method == "GET" and request.GET.get("export") == "csv":
        members = selectors.member_list(merchant=actor.merchant)
        return csv_response(MemberTable(members, exclude=("areas",)), members, name="team")
    form = InviteForm(can_grant_admin=actor.is_manager)
    if request.method == "POST":
        form = InviteForm(request.POST, can_grant_admin=actor.is_manager)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation, _token = services.member_invite(
                    merchant=actor.merchant,
                    actor=request.user,
                    email=data["email"],
                    role=data["role"],
                    permissions=data["permissions"],
                    store_ids=data["store_ids"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("accounts:team")
    context = _team_context(request, form)
    if htmx_partial(request):
        if request.htmx.target == "invitations":
            return render(request, "accounts/partials/_invitation_table.html", context)
        return render(request, "accounts/partials/_member_table.html", context)
    return render(request, "accounts/team.html", context, status=400 if form.errors else 200)


def _member_form(membership: Membership, actor: Membership, data=None) -> MemberForm:
    initial = {
        "role": membership.role,
        "permissions": membership.permissions,
        "store_ids": membership.store_ids,
    }
    return MemberForm(
        data,
        initial=initial,
        can_grant_admin=actor.is_manager,
        auto_id=f"member{membership.pk}_%s",  # unique ids next to the invite form
    )


@merchant_view(area=Area.SETTINGS)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a member's role and permission areas (inline in the table with htmx)."""
    actor = request.membership
    membership = selectors.member_get(merchant=actor.merchant, pk=pk)
    form = _member_form(membership, actor)
    status = 200
    if request.method == "POST":
        form = _member_form(membership, actor, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.member_update(
                    membership=membership,
                    actor=request.user,
                    role=data["role"],
                    permissions=data["permissions"],
                    store_ids=data["store_ids"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                if htmx_partial(request):
                    return row_response(request, MemberTable([_member_row(actor, membership)]))
                messages.success(request, _("Saved %(email)s.") % {"email": membership.user.email})
                return redirect("accounts:team")
        else:
            status = 400
    context = {"membership": membership, "form": form, "can_change": _can_change(actor, membership)}
    return render_page_or_partial(
        request,
        "accounts/member_edit.html",
        "accounts/partials/_member_form.html",
        context,
        status=status,
    )


def _confirm(request: HttpRequest, **context) -> HttpResponse:
    return render(request, "accounts/confirm.html", context)


def _confirmed_action(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    back: str,
    done: str,
    htmx_done: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """Run the confirmed POST ``action`` (one service call) and answer.

    htmx: ``htmx_done()`` (an empty body unless given), or a refusal in the page's alert area.
    Otherwise: back to the ``back`` page with ``done`` or the refusal as a message.
    """
    try:
        action()
    except DomainError as exc:
        if htmx_partial(request):
            return _htmx_alert(request, exc.message, exc.http_status)
        messages.error(request, exc.message)
        return redirect(back)
    if htmx_partial(request):
        return htmx_done() if htmx_done else HttpResponse("")
    messages.success(request, done)
    return redirect(back)


@merchant_view(area=Area.SETTINGS)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the member (htmx: the row disappears)."""
    actor = request.membership
    membership = selectors.member_get(merchant=actor.merchant, pk=pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Remove member"),
            message=_("Remove %(name)s (%(email)s) from %(merchant)s? They lose access at once.")
            % {
                "name": membership.user.display_name,
                "email": membership.user.email,
                "merchant": actor.merchant.business_name,
            },
            button=_("Remove member"),
            cancel_url="accounts:team",
        )
    return _confirmed_action(
        request,
        lambda: services.member_remove(membership=membership, actor=request.user, request=request),
        back="accounts:team",
        done=_("Removed %(email)s.") % {"email": membership.user.email},
    )


@merchant_view(area=Area.SETTINGS)
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes the pending invitation."""
    actor = request.membership
    invitation = selectors.invitation_get(merchant=actor.merchant, pk=pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Revoke invitation"),
            message=_("Revoke the invitation sent to %(email)s? The link stops working.")
            % {"email": invitation.email},
            button=_("Revoke invitation"),
            cancel_url="accounts:team",
        )
    return _confirmed_action(
        request,
        lambda: services.invitation_revoke(
            invitation=invitation, actor=request.user, request=request
        ),
        back="accounts:team",
        done=_("Invitation to %(email)s revoked.") % {"email": invitation.email},
    )


# --- Accepting an invitation ------------------------------------------------------------------


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[SESSION_KEY] = membership.merchant_id
    messages.success(
        request, _("Welcome to %(merchant)s.") % {"merchant": membership.merchant.business_name}
    )
    return redirect("dashboard:home")


@public_view
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: create a login, log in, or accept as the logged-in invitee."""
    try:
        invitation = services.invitation_get_by_token(token=token)
    except InvitationInvalid as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=404
        )
    context: dict = {"invitation": invitation, "error": ""}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            context["mode"] = "wrong_user"
            return render(request, "accounts/invitation_accept.html", context, status=403)
        context["mode"] = "confirm"
        if request.method == "POST":
            try:
                membership = services.invitation_accept(token=token, user=user, request=request)
            except DomainError as exc:
                context["error"] = exc.message
                return render(
                    request, "accounts/invitation_accept.html", context, status=exc.http_status
                )
            return _joined(request, membership)
        return render(request, "accounts/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["mode"] = "login"
        return render(request, "accounts/invitation_accept.html", context)
    context["mode"] = "signup"
    form = InvitationSignupForm(email=invitation.email)
    if request.method == "POST":
        form = InvitationSignupForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                membership = services.invitation_accept_new_user(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                return _joined(request, membership)
    context["form"] = form
    return render(
        request, "accounts/invitation_accept.html", context, status=400 if form.errors else 200
    )


# --- API keys and tokens ----------------------------------------------------------------------


def _apikeys_context(request: HttpRequest, form: ApiKeyForm) -> dict:
    merchant = request.membership.merchant
    key_table = ApiKeyTable(selectors.apikey_list(merchant=merchant))
    token_table = TokenTable(
        selectors.apitoken_list(merchant=merchant, active_only=True), prefix="t"
    )
    return {
        "merchant": merchant,
        "form": form,
        "keys": table_page(request, key_table),
        "key_table": key_table,
        "tokens": table_page(request, token_table),
        "token_table": token_table,
        "api_docs_url": API_DOCS_URL,
        "can_create_keys": request.membership.is_manager,
    }


@merchant_view(area=Area.DEVELOPER)
def apikeys(request: HttpRequest) -> HttpResponse:
    """API keys and live tokens; POST creates a key (owner and admins only) and shows it once.
    ``?export=csv``: the keys as a CSV file (their last characters only, never a key)."""
    if request.method == "GET" and request.GET.get("export") == "csv":
        keys = selectors.apikey_list(merchant=request.membership.merchant)
        return csv_response(ApiKeyTable(keys), keys, name="api-keys")
    form = ApiKeyForm()
    if request.method == "POST":
        # Staff with the developer area see keys but may not mint them: a 403 page.
        services.apikey_creator_check(merchant=request.membership.merchant, actor=request.user)
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, plaintext = services.apikey_create(
                    merchant=request.membership.merchant,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                response = render(
                    request,
                    "accounts/apikey_created.html",
                    {"api_key": api_key, "plaintext": plaintext, "api_docs_url": API_DOCS_URL},
                )
                add_never_cache_headers(response)
                return response
    context = _apikeys_context(request, form)
    if htmx_partial(request):
        if request.htmx.target == "tokens":
            return render(request, "accounts/partials/_token_table.html", context)
        return render(request, "accounts/partials/_apikey_table.html", context)
    return render(request, "accounts/apikeys.html", context, status=400 if form.errors else 200)


@merchant_view(area=Area.DEVELOPER)
def apikey_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes the key and every token issued from it."""
    api_key = selectors.apikey_get(merchant=request.membership.merchant, pk=pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Revoke API key"),
            message=_(
                "Revoke “%(name)s” (…%(hint)s)? Programs using it stop working at once, and "
                "every access token issued from it is revoked too."
            )
            % {"name": api_key.name, "hint": api_key.key_hint},
            button=_("Revoke key"),
            cancel_url="accounts:apikeys",
        )

    def revoked_row() -> HttpResponse:
        api_key.refresh_from_db()
        response = row_response(request, ApiKeyTable([api_key]))
        response["HX-Trigger"] = "tokens-changed"  # the token table reloads itself
        return response

    return _confirmed_action(
        request,
        lambda: services.apikey_revoke(api_key=api_key, actor=request.user, request=request),
        back="accounts:apikeys",
        done=_("API key “%(name)s” revoked.") % {"name": api_key.name},
        htmx_done=revoked_row,
    )


@merchant_view(area=Area.DEVELOPER)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes an access/refresh token pair."""
    token = selectors.apitoken_get(merchant=request.membership.merchant, pk=pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Revoke API token"),
            message=_(
                "Revoke the access token created %(created)s UTC? A program using it must "
                "request a new one."
            )
            % {"created": f"{token.created_at:%Y-%m-%d %H:%M}"},
            button=_("Revoke token"),
            cancel_url="accounts:apikeys",
        )
    return _confirmed_action(
        request,
        lambda: services.token_revoke(token=token, actor=request.user, request=request),
        back="accounts:apikeys",
        done=_("API token revoked."),
    )
