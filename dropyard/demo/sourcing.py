"""Sourcing demo data for the demo merchant (called by ``demo.loader.demo_load`` after the
catalog): one request in each status, so the merchant's sourcing pages and the agent's desk
have something to show. Built through the real services (``sourcing.services_requests``,
``sourcing.publishing``); the published one becomes a product private to the merchant.

Each request is backdated after it is made (a few hours to days ago: the desk's waiting times
and overdue badge have something to show, and today's quota stays free for the visitor).
Idempotent: each request is looked up by its product name; what exists is left as it is.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog.models import Category
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import SourcingStatus as S
from dropyard.sourcing.models import SourcingRequest
from dropyard.sourcing.publishing import sourcing_publish

# (product name, product link, status it ends in, hours ago)
REQUESTS = [
    ("Magnetic car mount", "https://detail.1688.com/offer/610000000001.html", S.SUBMITTED, 30),
    ("Bamboo cutlery set", "https://item.taobao.com/item.htm?id=610000000002", S.SUBMITTED, 3),
    ("LED strip lights 5 m", "https://www.aliexpress.com/item/1005000000003.html", S.CLAIMED, 20),
    ("Silicone baking mat", "https://detail.1688.com/offer/610000000004.html", S.QUOTED, 50),
    ("Walnut phone stand", "https://detail.1688.com/offer/610000000005.html", S.PUBLISHED, 120),
    ("Self-heating lunch box", "https://www.amazon.com/dp/B000000006", S.FAILED, 96),
    ("Cat window hammock", "https://detail.1688.com/offer/610000000007.html", S.CANCELLED, 72),
]


@transaction.atomic
def load_sourcing(*, merchant: MerchantAccount, owner: User, agent: User) -> list[str]:
    """The sourcing demo (see the module docstring); what was created (empty on a second run).
    The published request is skipped when the catalog has no third-level category."""
    created: list[str] = []
    for name, url, status, hours in REQUESTS:
        if SourcingRequest.objects.filter(merchant=merchant, product_name=name).exists():
            continue
        if status == S.PUBLISHED and not Category.objects.filter(level=3).exists():
            continue
        request = svc.sourcing_request_create(
            merchant=merchant,
            actor=owner,
            product_name=name,
            source_url=url,
            target_price_minor=450,
            monthly_quantity=300,
            destination_countries=["US", "GB"],
            notes="Plain packaging, no logo.",
        ).request
        SourcingRequest.objects.filter(pk=request.pk).update(
            created_at=timezone.now() - timedelta(hours=hours)
        )
        _advance(request, status=status, owner=owner, agent=agent, merchant=merchant)
        created.append(f"sourcing request {name} ({status})")
    return created


def _advance(
    request: SourcingRequest, *, status: str, owner: User, agent: User, merchant: MerchantAccount
) -> None:
    if status == S.CANCELLED:
        svc.sourcing_cancel(merchant=merchant, request=request, actor=owner)
        return
    if status == S.SUBMITTED:
        return
    if status == S.FAILED:
        svc.sourcing_fail(
            request=request, actor=agent, reason="No factory makes it at this price any more."
        )
        return
    svc.sourcing_claim(request=request, actor=agent)
    if status == S.CLAIMED:
        return
    quote = svc.sourcing_quote_add(
        request=request,
        actor=agent,
        supplier_name="Yiwu Homeware Factory",
        unit_price_minor=380,
        moq=100,
        lead_time_days=7,
        weight_g=250,
    )
    if status == S.QUOTED:
        return
    request.refresh_from_db()
    sourcing_publish(
        request=request,
        actor=agent,
        name=request.product_name,
        category=Category.objects.filter(level=3).order_by("pk").first(),
        price_minor=520,
        weight_g=250,
        hs_code="442190",
        variant_names=["Light", "Dark"],
        private=True,
        quote=quote,
    )
