"""The merchant home: order counts, wallet, 30-day spend and margin, the getting-started path.

Everything is read through the apps' own selectors (never their views) and scoped to the
member's merchant (and, for order counts, to a staff member's stores). A fact the member lacks
the permission area for is ``None`` and the page leaves its card out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from allauth.account.utils import has_verified_email
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts import selectors as accounts_selectors
from dropyard.accounts.models import Membership, User
from dropyard.catalog import selectors as catalog_selectors
from dropyard.core import selectors as core_selectors
from dropyard.core.models import AuditEvent
from dropyard.orders import selectors as orders_selectors
from dropyard.orders.choices import OrderStatus
from dropyard.sourcing import selectors as sourcing_selectors
from dropyard.stores import selectors as stores_selectors
from dropyard.wallet import reports as wallet_reports
from dropyard.wallet import selectors as wallet_selectors
from dropyard.wallet.choices import TopUpStatus
from dropyard.wallet.ledger import WalletBalance, wallet_balance
from dropyard.wallet.models import Payment

RECENT_LIMIT = 5
SPEND_DAYS = 30
CURRENCY = "USD"  # the wallet's currency (wallet.reports and the wallet page use the same)


@dataclass(frozen=True)
class ChecklistItem:
    """One getting-started step; ``url_name`` is the page that does it (a navigation page, so
    the view links it only when the member may open it). ``optional`` steps are listed apart."""

    key: str
    label: str
    done: bool
    url_name: str | None = None
    hint: str = ""
    optional: bool = False


@dataclass(frozen=True)
class OrderCounts:
    """The member's orders that wait for something (of their stores only, when limited).

    ``to_pay``: not paid yet (the order list's "pending" tab); ``awaiting_shipment``: paid, in
    the warehouse ("processing"); ``in_transit``: shipped, not delivered ("dispatched");
    ``problems``: ``orders.selectors.order_problem_list`` (a delivery exception, or no
    shipping line), split in ``exceptions`` and ``unroutable``, the oldest since ``oldest``.
    """

    to_pay: int
    awaiting_shipment: int
    in_transit: int
    problems: int
    exceptions: int
    unroutable: int
    oldest_problem_at: datetime | None


@dataclass(frozen=True)
class SpendSummary:
    """Order payments of the last ``days`` days, cancelled (refunded) orders left out.

    ``spent_minor`` is what the merchant paid (``Payment.net_minor``: products + freight −
    discounts, the ledger debit). Margin is store sale price − that payment, over the
    ``priced_orders`` whose order carries a store sale price (``Order.shop_amount_minor``);
    manual, CSV and API orders without one are ``unpriced_orders`` and stay out of the margin
    (as in the wallet's profit report). ``per_day`` is the chart, oldest day first.
    """

    days: int
    start: date
    end: date
    currency: str
    spent_minor: int
    paid_orders: int
    sale_minor: int
    priced_cost_minor: int
    priced_orders: int
    unpriced_orders: int
    per_day: list[tuple[date, int, int]]  # (day, spent_minor, paid orders)

    @property
    def margin_minor(self) -> int | None:
        return self.sale_minor - self.priced_cost_minor if self.priced_orders else None

    @property
    def margin_pct(self) -> Decimal | None:
        margin = self.margin_minor
        return None if margin is None else wallet_reports.margin_percent(margin, self.sale_minor)

    def chart_data(self) -> dict:
        """Chart.js data: day labels, spend as decimal strings (exact), paid orders per day."""
        return {
            "labels": [day.isoformat() for day, _, _ in self.per_day],
            "spent": [
                wallet_reports.decimal_text(spent, self.currency) for _, spent, _ in self.per_day
            ],
            "orders": [count for _, _, count in self.per_day],
            "currency": self.currency,
        }


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
    orders: OrderCounts | None = None  # the orders area
    balance: WalletBalance | None = None  # the wallet area (as are spend and pending wires)
    spend: SpendSummary | None = None
    pending_topups: int | None = None

    @property
    def is_new(self) -> bool:
        """No order and no money yet: the page leads with the getting-started path."""
        return not any(item.done for item in self.checklist if item.key in _PATH_KEYS)


_PATH_KEYS = ("catalog", "add_store", "first_order", "top_up")


def order_counts(*, membership: Membership) -> OrderCounts:
    """Two queries: orders per list tab, and the problem counts."""
    merchant, scope = membership.merchant, membership.store_scope
    tabs = orders_selectors.order_tab_counts(merchant=merchant, store_ids=scope)
    problems = orders_selectors.order_problem_counts(merchant=merchant, store_ids=scope)
    return OrderCounts(
        to_pay=tabs["pending"],
        awaiting_shipment=tabs["processing"],
        in_transit=tabs["dispatched"],
        problems=problems["any"],
        exceptions=problems["exception"],
        unroutable=problems["unroutable"],
        oldest_problem_at=problems["oldest"],
    )


def spend_summary(
    *, membership: Membership, days: int = SPEND_DAYS, today: date | None = None
) -> SpendSummary:
    """The last ``days`` local calendar days of order payments (one grouped query)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start, _end = wallet_reports.day_bounds(first, None)
    priced = Q(order__shop_amount_minor__isnull=False)
    rows = (
        Payment.objects.filter(
            merchant=membership.merchant,
            order__isnull=False,
            currency=CURRENCY,
            created_at__gte=start,
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(
            spent=Sum("net_minor"),
            n=Count("pk"),
            sale=Sum("order__shop_amount_minor", filter=priced),
            priced_cost=Sum("net_minor", filter=priced),
            priced_n=Count("pk", filter=priced),
        )
    )
    # Plain dicts of ints: the typed values() rows do not take a key chosen at run time.
    by_day: dict[date, dict[str, int]] = {
        row["day"]: {
            "spent": row["spent"] or 0,
            "n": row["n"],
            "sale": row["sale"] or 0,
            "priced_cost": row["priced_cost"] or 0,
            "priced_n": row["priced_n"],
        }
        for row in rows
    }
    all_days = [first + timedelta(days=i) for i in range(days)]

    def total(key: str) -> int:
        return sum(row[key] for row in by_day.values())

    paid_orders = total("n")
    priced_orders = total("priced_n")
    return SpendSummary(
        days=days,
        start=first,
        end=today,
        currency=CURRENCY,
        spent_minor=total("spent"),
        paid_orders=paid_orders,
        sale_minor=total("sale"),
        priced_cost_minor=total("priced_cost"),
        priced_orders=priced_orders,
        unpriced_orders=paid_orders - priced_orders,
        per_day=[
            (d, by_day[d]["spent"], by_day[d]["n"]) if d in by_day else (d, 0, 0) for d in all_days
        ],
    )


def _checklist(
    *, membership: Membership, user: User, member_count: int, stores: int, has_api_key: bool
) -> list[ChecklistItem]:
    merchant = membership.merchant
    invited = (
        member_count > 1
        or accounts_selectors.invitation_list(merchant=merchant, pending_only=False).exists()
    )
    has_order = orders_selectors.order_list(merchant=merchant).exists()
    picked = has_order or catalog_selectors.my_product_list(merchant=merchant).exists()
    topped_up = (
        wallet_selectors.merchant_topups(merchant=merchant)
        .filter(status=TopUpStatus.SUCCEEDED)
        .exists()
    )
    return [
        ChecklistItem("verify_email", _("Verify your email address"), has_verified_email(user)),
        ChecklistItem(
            "catalog",
            _("Choose products from the catalog"),
            picked,
            url_name="catalog:search",
            hint=_("Save the ones you want to sell to My Products."),
        ),
        ChecklistItem(
            "add_store",
            _("Connect your store"),
            stores > 0,
            url_name="stores:list",
            hint=_("Shopify, WooCommerce, eBay, TikTok Shop, Medusa or the Sandbox store."),
        ),
        ChecklistItem(
            "first_order",
            _("Place your first order"),
            has_order,
            url_name="orders:list",
            hint=_("Store orders arrive by themselves; you can also add one by hand or by CSV."),
        ),
        ChecklistItem(
            "top_up",
            _("Top up your wallet"),
            topped_up,
            url_name="wallet:home",
            hint=_("Orders are paid from the wallet."),
        ),
        ChecklistItem(
            "invite_team", _("Invite your team"), invited, url_name="accounts:team", optional=True
        ),
        ChecklistItem(
            "api_key",
            _("Create an API key"),
            has_api_key,
            url_name="accounts:apikeys",
            optional=True,
        ),
    ]


def merchant_home(*, membership: Membership, user: User) -> MerchantHome:
    """Everything the merchant home shows, in a bounded number of queries (about 20,
    whatever the merchant's size)."""
    merchant = membership.merchant
    member_count = accounts_selectors.member_list(merchant=merchant).count()
    can_develop = membership.has_area("developer")
    can_manage = membership.has_area("settings")
    can_wallet = membership.has_area("wallet")
    api_keys = accounts_selectors.apikey_list(merchant=merchant)
    stores = stores_selectors.store_counts(merchant=merchant, scope=membership.store_scope)
    can_stores = membership.has_area("stores")
    checklist = _checklist(
        membership=membership,
        user=user,
        member_count=member_count,
        stores=stores["stores"],
        has_api_key=api_keys.exists(),
    )
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
        orders=order_counts(membership=membership) if membership.has_area("orders") else None,
        balance=wallet_balance(merchant=merchant, currency=CURRENCY) if can_wallet else None,
        spend=spend_summary(membership=membership) if can_wallet else None,
        pending_topups=(
            wallet_selectors.merchant_topups(merchant=merchant)
            .filter(status=TopUpStatus.PENDING)
            .count()
            if can_wallet
            else None
        ),
    )
