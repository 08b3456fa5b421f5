"""Reads for pricing rules and listings, scoped by merchant (another merchant's rule or
listing is "not found"), and the prices the rules give."""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Category, MyProduct, Product, Variant

from .choices import ListingStatus, StoreStatus
from .exceptions import StoreNotFound
from .models import Listing, ListingVariant, PricingRule, Store
from .pricing import DEFAULT_TERMS, Prices, RuleTerms, price_compute, rule_pick


def pricing_rule_list(*, merchant: MerchantAccount, search: str = "") -> QuerySet[PricingRule]:
    """The merchant's rules, with their store and category; ``search`` matches the store's or
    the category's name, case-insensitively."""
    rules = PricingRule.objects.filter(merchant=merchant).select_related("store", "category")
    if search:
        rules = rules.filter(Q(store__name__icontains=search) | Q(category__name__icontains=search))
    return rules


def pricing_rule_get(*, merchant: MerchantAccount, public_id: str) -> PricingRule:
    """One of the merchant's rules; ``StoreNotFound`` for any other."""
    rule = pricing_rule_list(merchant=merchant).filter(public_id=public_id).first()
    if rule is None:
        raise StoreNotFound(_("pricing rule %(id)s not found") % {"id": public_id})
    return rule


def category_chain(category: Category | None) -> list[int]:
    """The category's pk, then its parent's and grandparent's (the tree has three levels)."""
    chain: list[int] = []
    while category is not None and len(chain) < 5:
        chain.append(category.pk)
        category = category.parent
    return chain


def terms_for(
    *, merchant: MerchantAccount, store: Store, product: Product, rules: Iterable[PricingRule] = ()
) -> tuple[RuleTerms, PricingRule | None]:
    """The terms that price ``product`` on ``store`` and the rule they come from (None: the
    built-in default, ×2 ending in .99). ``rules``: the merchant's rules if already loaded."""
    rules = list(rules) or list(pricing_rule_list(merchant=merchant))
    rule = rule_pick(rules, store_id=store.pk, category_ids=category_chain(product.category))
    return (rule.terms if rule else DEFAULT_TERMS), rule


def prices_for(
    *, merchant: MerchantAccount, store: Store, variants: Iterable[Variant]
) -> dict[int, Prices]:
    """Variant pk → the price the merchant's rules give on ``store``, from the variant's cost
    (its catalog price to the merchant, ``Variant.price_minor``)."""
    rules = list(pricing_rule_list(merchant=merchant))
    prices = {}
    for variant in variants:
        terms, _rule = terms_for(
            merchant=merchant, store=store, product=variant.product, rules=rules
        )
        prices[variant.pk] = price_compute(variant.price_minor, terms)
    return prices


def listable_products(
    *, merchant: MerchantAccount, q: str = "", saved_only: bool = False
) -> QuerySet[Product]:
    """On-sale catalog products the merchant may list, the merchant's saved ones ("My
    Products") first (``saved``), with the cost of their cheapest on-sale variant
    (``cost_from``); ``q`` matches the name, the product SKU or a variant SKU; ``saved_only``
    keeps the merchant's saved products only."""
    products = Product.objects.filter(is_on_sale=True).select_related("category")
    q = q.strip()
    if q:
        products = products.filter(
            Q(name__icontains=q) | Q(sku__iexact=q) | Q(variants__sku__iexact=q)
        ).distinct()
    saved = MyProduct.objects.filter(merchant=merchant, product=OuterRef("pk"))
    cheapest = (
        Variant.objects.filter(product=OuterRef("pk"), is_on_sale=True)
        .order_by("price_minor")
        .values("price_minor")[:1]
    )
    products = products.annotate(saved=Exists(saved), cost_from=Subquery(cheapest))
    if saved_only:
        products = products.filter(saved=True)
    return products.order_by("-saved", "-created_at", "-pk")


def listing_list(
    *, merchant: MerchantAccount, store: Store, search: str = "", status: str = ""
) -> QuerySet[Listing]:
    """The listings of one of the merchant's stores, most recently changed first; ``search``:
    part of the title or of the product's SKU, ``status``: that ``ListingStatus`` only."""
    listings = (
        Listing.objects.filter(store=store, store__merchant=merchant)
        .select_related("product", "job")
        .prefetch_related("variants__variant", "product__images")
    )
    if search:
        listings = listings.filter(Q(title__icontains=search) | Q(product__sku__icontains=search))
    if status:
        listings = listings.filter(status=status)
    return listings


def listing_get(*, merchant: MerchantAccount, store: Store, public_id: str) -> Listing:
    """One listing of one of the merchant's stores; ``StoreNotFound`` for any other."""
    listing = listing_list(merchant=merchant, store=store).filter(public_id=public_id).first()
    if listing is None:
        raise StoreNotFound(_("listing %(id)s not found") % {"id": public_id})
    return listing


def listing_variants_changed() -> QuerySet[ListingVariant]:
    """Variants of listed listings whose catalog cost changed since they were priced, or that
    went off sale (the variant or its product) while listed as on sale, or came back on sale
    after being delisted."""
    return ListingVariant.objects.filter(listing__status=ListingStatus.LISTED).filter(
        ~Q(cost_minor=F("variant__price_minor"))
        | Q(on_sale=True, variant__is_on_sale=False)
        | Q(on_sale=True, variant__product__is_on_sale=False)
        | Q(delisted=True, variant__is_on_sale=True, variant__product__is_on_sale=True)
    )


def listings_to_reprice() -> QuerySet[Listing]:
    """Out-of-date listings of stores that re-price on catalog changes."""
    return Listing.objects.filter(
        status=ListingStatus.OUT_OF_DATE, store__reprice_on_change=True
    ).exclude(store__status=StoreStatus.DISCONNECTED)
