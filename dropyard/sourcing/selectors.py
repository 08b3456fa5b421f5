"""Sourcing selectors: the agent message threads, scoped to a merchant or to an operator, and
the merchant's sourcing requests as the developer API reads them."""

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.errors import NotFound
from dropyard.core.ids import code_public_id

from .models import AgentMessage, SourcingRequest


def message_list(merchant: MerchantAccount) -> QuerySet[AgentMessage]:
    """The merchant's thread, oldest first (both sides read the same rows)."""
    return (
        AgentMessage.objects.filter(merchant=merchant)
        .select_related("sender")
        .order_by("created_at", "pk")
    )


def unread_count_for_merchant(merchant: MerchantAccount) -> int:
    """Agent messages the merchant's people have not opened yet."""
    return AgentMessage.objects.filter(
        merchant=merchant, from_agent=True, read_at__isnull=True
    ).count()


def _is_admin(user: User) -> bool:
    return user.operator_role == OperatorRole.ADMIN


def can_operator_access_thread(*, operator: User, merchant: MerchantAccount) -> bool:
    """Admins reach every thread; agents only those of merchants they are the agent of."""
    if _is_admin(operator):
        return True
    return operator.operator_role == OperatorRole.AGENT and merchant.agent_id == operator.pk


def thread_list_for_agent(
    agent: User, *, search: str = "", unread_only: bool = False
) -> QuerySet[MerchantAccount]:
    """Threads an operator handles: one row per merchant with ``last_message_at``,
    ``unread_count`` (merchant messages not yet read by the agent side) and ``message_count``.

    Agents get every merchant they are the agent of (also those without messages yet, so they can
    write first); admins get every merchant that has a thread. Unread first, then newest.
    """
    unread = Q(agent_messages__from_agent=False, agent_messages__read_at__isnull=True)
    qs = MerchantAccount.objects.select_related("agent").annotate(
        last_message_at=Max("agent_messages__created_at"),
        unread_count=Count("agent_messages", filter=unread),
        message_count=Count("agent_messages"),
    )
    if _is_admin(agent):
        qs = qs.filter(Exists(AgentMessage.objects.filter(merchant=OuterRef("pk"))))
    elif agent.operator_role == OperatorRole.AGENT:
        qs = qs.filter(agent=agent)
    else:
        return qs.none()
    if search:
        qs = qs.filter(Q(business_name__icontains=search) | Q(account_number__icontains=search))
    if unread_only:
        qs = qs.filter(unread_count__gt=0)
    return qs.order_by(
        "-unread_count", F("last_message_at").desc(nulls_last=True), "business_name", "pk"
    )


def unread_thread_count_for_agent(agent: User) -> int:
    """How many of the operator's threads have unread merchant messages."""
    return thread_list_for_agent(agent, unread_only=True).count()


def thread_get_for_operator(*, operator: User, merchant_id: int) -> MerchantAccount:
    """The merchant whose thread ``operator`` may open; NotFound otherwise (also for agents
    asking for another agent's merchant, so ids of other merchants reveal nothing)."""
    merchant = MerchantAccount.objects.select_related("agent").filter(pk=merchant_id).first()
    if merchant is None or not can_operator_access_thread(operator=operator, merchant=merchant):
        raise NotFound(_("Conversation not found"))
    return merchant


# --- Sourcing requests for the developer API ------------------------------------------------------


def sourcing_request_list_for_api(
    *,
    merchant: MerchantAccount,
    keys: list[str] | None,
    store_ids: frozenset[int] | None = None,
    latest: int = 20,
) -> list[SourcingRequest]:
    """The merchant's sourcing requests named by ``keys`` (public ids or ``SR`` codes), in the
    order asked and each once; with ``keys`` None, the ``latest`` newest.

    Invariant: another merchant's request, and one linked to a store outside ``store_ids``
    (the token's store scope; None = every store), is never returned: it is absent exactly as
    an unknown id is, so the answer reveals nothing about other accounts.
    """
    qs = SourcingRequest.objects.filter(merchant=merchant).select_related(
        "store_variant__store", "product", "variant"
    )
    if store_ids is not None:
        qs = qs.filter(Q(store_variant__isnull=True) | Q(store_variant__store_id__in=store_ids))
    if keys is None:
        return list(qs.order_by("-created_at", "-pk")[:latest])
    public_ids = [code_public_id("SR", key) or key for key in keys]
    found = {r.public_id: r for r in qs.filter(public_id__in=public_ids)}
    ordered: list[SourcingRequest] = []
    for public_id in dict.fromkeys(public_ids):
        if public_id in found:
            ordered.append(found[public_id])
    return ordered
