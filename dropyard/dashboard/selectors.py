"""What the home pages show, gathered from the apps' own selectors (never their views)."""

from dataclasses import dataclass, field

from allauth.account.utils import has_verified_email

from dropyard.accounts import selectors as accounts_selectors
from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import Membership, User
from dropyard.core import selectors as core_selectors
from dropyard.core.models import AuditEvent, Job
from dropyard.sourcing import selectors as sourcing_selectors
from dropyard.stores import selectors as stores_selectors

RECENT_LIMIT = 5


@dataclass(frozen=True)
class ChecklistItem:
    """One getting-started step; ``url_name`` is the page that does it."""

    key: str
    label: str
    done: bool
    url_name: str | None = None


@dataclass(frozen=True)
class MerchantHome:
    """The merchant home. ``None`` facts are hidden: the member lacks the area to see them."""

    member_count: int
    unread_messages: int
    active_api_keys: int | None
    recent_audit_events: list[AuditEvent] | None
    checklist: list[ChecklistItem] = field(default_factory=list)
    # Live stores and held store orders; None without the stores area.
    store_count: int | None = None
    held_store_orders: int | None = None


def merchant_home(*, membership: Membership, user: User) -> MerchantHome:
    merchant = membership.merchant
    member_count = accounts_selectors.member_list(merchant=merchant).count()
    can_develop = membership.has_area("developer")
    can_manage = membership.has_area("settings")
    api_keys = accounts_selectors.apikey_list(merchant=merchant)
    invited = (
        member_count > 1
        or accounts_selectors.invitation_list(merchant=merchant, pending_only=False).exists()
    )
    stores = stores_selectors.store_counts(merchant=merchant, scope=membership.store_scope)
    can_stores = membership.has_area("stores")
    checklist = [
        ChecklistItem("verify_email", "Verify your email address", has_verified_email(user)),
        ChecklistItem("invite_team", "Invite your team", invited, url_name="accounts:team"),
        ChecklistItem(
            "api_key", "Create an API key", api_keys.exists(), url_name="accounts:apikeys"
        ),
        ChecklistItem(
            "add_store", "Connect your first store", stores["stores"] > 0, url_name="stores:list"
        ),
    ]
    return MerchantHome(
        member_count=member_count,
        unread_messages=sourcing_selectors.unread_count_for_merchant(merchant),
        active_api_keys=api_keys.filter(revoked_at__isnull=True).count() if can_develop else None,
        recent_audit_events=(
            core_selectors.audit_event_recent(merchant=merchant, limit=RECENT_LIMIT)
            if can_manage
            else None
        ),
        checklist=checklist,
        store_count=stores["stores"] if can_stores else None,
        held_store_orders=stores["held"] if can_stores else None,
    )


@dataclass(frozen=True)
class OperatorHome:
    """The back-office home: counts relevant to the operator's role (``None``: not shown)."""

    pending_supplier_applications: int | None = None
    my_merchant_count: int | None = None
    unread_thread_count: int | None = None
    recent_jobs: list[Job] | None = None


def operator_home(*, user: User) -> OperatorHome:
    role = user.operator_role
    is_admin = role == OperatorRole.ADMIN
    handles_threads = role in {OperatorRole.ADMIN, OperatorRole.AGENT}
    return OperatorHome(
        pending_supplier_applications=(
            accounts_selectors.supplier_application_pending_count()
            if role in {OperatorRole.ADMIN, OperatorRole.SUPPORT}
            else None
        ),
        my_merchant_count=(
            accounts_selectors.merchant_list(agent=user).count()
            if role == OperatorRole.AGENT
            else None
        ),
        unread_thread_count=(
            sourcing_selectors.unread_thread_count_for_agent(user) if handles_threads else None
        ),
        recent_jobs=list(core_selectors.job_list()[:RECENT_LIMIT]) if is_admin else None,
    )
