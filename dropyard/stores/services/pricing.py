"""The merchant's pricing rules: create, change, delete (validated, audited
PRICING_RULE_CHANGED). The arithmetic is ``stores.pricing``; which rule applies is
``stores.selectors_listing.prices_for``."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Category
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from ..choices import PriceRounding, StoreStatus
from ..exceptions import StoreInvalid, StoreNotFound
from ..models import PricingRule, Store
from ..pricing import BASIS
from .setup import _user

MAX_MULTIPLIER_BP = 1_000_000  # ×100
MAX_ADD_MINOR = 100_000_000  # 1,000,000.00


def _invalid(errors: dict[str, str]) -> StoreInvalid:
    message = "; ".join(f"{field}: {error}" for field, error in errors.items())
    return StoreInvalid(message, extra={"errors": errors})


def _terms(multiplier_bp: Any, add_minor: Any, rounding: Any, compare_at_bp: Any) -> dict:
    """The rule's terms, checked; every bad field is reported at once (``StoreInvalid``)."""
    errors: dict[str, str] = {}
    if not isinstance(multiplier_bp, int) or not 1 <= multiplier_bp <= MAX_MULTIPLIER_BP:
        errors["multiplier_bp"] = _("the multiplier must be between 0.0001 and 100")
    if not isinstance(add_minor, int) or not 0 <= add_minor <= MAX_ADD_MINOR:
        errors["add_minor"] = _("the fixed add must be between 0 and 1,000,000")
    if rounding not in PriceRounding.values:
        errors["rounding"] = _("rounding must be one of %(values)s") % {
            "values": ", ".join(PriceRounding.values)
        }
    if not isinstance(compare_at_bp, int) or not (
        compare_at_bp == 0 or BASIS < compare_at_bp <= MAX_MULTIPLIER_BP
    ):
        errors["compare_at_bp"] = _("the compare-at multiplier must be above 1 (or empty for none)")
    if errors:
        raise _invalid(errors)
    return {
        "multiplier_bp": multiplier_bp,
        "add_minor": add_minor,
        "rounding": rounding,
        "compare_at_bp": compare_at_bp,
    }


def _scope(
    merchant: MerchantAccount, store: Store | None, category: Category | None
) -> tuple[Store | None, Category | None]:
    if store is not None:
        store = Store.objects.filter(pk=store.pk, merchant=merchant).first()
        if store is None:
            raise StoreNotFound(_("store not found"))
        if store.status == StoreStatus.DISCONNECTED:
            raise _invalid({"store": _("store %(name)s is disconnected") % {"name": store.name}})
    if category is not None and not Category.objects.filter(pk=category.pk).exists():
        raise StoreNotFound(_("category not found"))
    return store, category


def _details(rule: PricingRule) -> dict[str, Any]:
    return {
        "store": rule.store.public_id if rule.store is not None else "",
        "category": rule.category.public_id if rule.category is not None else "",
        "multiplier_bp": rule.multiplier_bp,
        "add_minor": rule.add_minor,
        "rounding": rule.rounding,
        "compare_at_bp": rule.compare_at_bp,
    }


def _duplicate() -> StoreInvalid:
    return _invalid({"scope": _("a rule for this store and category already exists; change it")})


@transaction.atomic
def pricing_rule_create(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    store: Store | None = None,
    category: Category | None = None,
    multiplier_bp: int,
    add_minor: int = 0,
    rounding: str = PriceRounding.NINETY_NINE,
    compare_at_bp: int = 0,
) -> PricingRule:
    """A new rule for the scope ``(store, category)`` (either may be None: all).

    Refused with nothing written: another merchant's store or an unknown category
    (``StoreNotFound``), a disconnected store, out-of-range terms or a rule that already
    exists for the scope (``StoreInvalid`` with field errors). Audited PRICING_RULE_CHANGED."""
    terms = _terms(multiplier_bp, add_minor, rounding, compare_at_bp)
    store, category = _scope(merchant, store, category)
    try:
        with transaction.atomic():
            rule = PricingRule.objects.create(
                merchant=merchant, store=store, category=category, **terms
            )
    except IntegrityError:
        raise _duplicate() from None
    audit_record(
        action=AuditAction.PRICING_RULE_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target=rule,
        target_label=rule.scope_label,
        details={"created": _details(rule)},
    )
    return rule


def _own(merchant: MerchantAccount, rule: PricingRule) -> PricingRule:
    try:
        return (
            PricingRule.objects.select_for_update(of=("self",))
            .select_related("store", "category")
            .get(pk=rule.pk, merchant=merchant)
        )
    except PricingRule.DoesNotExist:
        raise StoreNotFound(_("pricing rule %(id)s not found") % {"id": rule.public_id}) from None


@transaction.atomic
def pricing_rule_update(
    *,
    merchant: MerchantAccount,
    rule: PricingRule,
    actor: Actor,
    store: Store | None = None,
    category: Category | None = None,
    multiplier_bp: int,
    add_minor: int = 0,
    rounding: str = PriceRounding.NINETY_NINE,
    compare_at_bp: int = 0,
) -> PricingRule:
    """Replace one of the merchant's rules' scope and terms (all of them: a form sends all).

    Refused like ``pricing_rule_create``; another merchant's rule is ``StoreNotFound``. Audited
    PRICING_RULE_CHANGED with the before and after (no audit when nothing changed). Listings
    keep their prices until re-listed or re-priced."""
    terms = _terms(multiplier_bp, add_minor, rounding, compare_at_bp)
    locked = _own(merchant, rule)
    store, category = _scope(merchant, store, category)
    before = _details(locked)
    locked.store, locked.category = store, category
    for field, value in terms.items():
        setattr(locked, field, value)
    after = _details(locked)
    if after == before:
        return locked
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise _duplicate() from None
    audit_record(
        action=AuditAction.PRICING_RULE_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target=locked,
        target_label=locked.scope_label,
        details={"before": before, "after": after},
    )
    return locked


@transaction.atomic
def pricing_rule_delete(*, merchant: MerchantAccount, rule: PricingRule, actor: Actor) -> None:
    """Delete one of the merchant's rules (another merchant's: ``StoreNotFound``); products
    then price by the next rule in priority. Audited PRICING_RULE_CHANGED."""
    locked = _own(merchant, rule)
    label, details = locked.scope_label, _details(locked)
    locked.delete()
    audit_record(
        action=AuditAction.PRICING_RULE_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target_label=label,
        details={"deleted": details},
    )
