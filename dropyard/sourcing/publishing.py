"""Publishing a sourced product: the agent turns a claimed or quoted request into a catalog
product (public, or private to the request's merchant), optionally with stock, and connects it
to the merchant's store variant.

Invariants:
- Everything goes through the owning apps' services (``catalog.services.product_create`` /
  ``product_image_add``, ``inventory.services.stock_receive``,
  ``stores.services.catalog.connection_create``) and the request's status only through
  ``sourcing_transition``; a refusal before the product exists writes nothing.
- A published request has ``product`` and ``variant`` (the first variant) set.
- Pictures are read before the transaction (network), and a picture that cannot be read is
  skipped: a product without pictures is still publishable.
- A store variant that cannot be connected (store disconnected, variant gone) does not undo
  the publication: the request's history says why, and the merchant connects it by hand.
"""

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.catalog import services as catalog_services
from dropyard.catalog.exceptions import CatalogError
from dropyard.catalog.image_fetch import image_url_read
from dropyard.catalog.imagehashing import ImageRefused
from dropyard.catalog.models import Category, Product, Variant
from dropyard.core.errors import DomainError
from dropyard.inventory import services as inventory_services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse
from dropyard.stores.models import ProductConnection
from dropyard.stores.services.catalog import connection_create, connection_delete

from .choices import SourcingStatus as S
from .models import SourcingEvent, SourcingQuote, SourcingRequest
from .services_requests import (
    PRICE_MAX_MINOR,
    SourcingInvalid,
    SourcingRefused,
    _operator_may,
    sourcing_transition,
)

VARIANTS_MAX = 20
IMAGES_MAX = 6
STOCK_MAX = 1_000_000
OPTION_NAME = "Variant"


@dataclass(frozen=True)
class Published:
    """The answer of ``sourcing_publish``: the request, its product and first variant, and the
    store connection ("" when none was asked; otherwise "connected" or why not)."""

    request: SourcingRequest
    product: Product
    variant: Variant
    connection: str


def _whole(value: Any, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise SourcingInvalid(
            _("%(field)s must be a whole number between %(min)s and %(max)s")
            % {"field": field, "min": minimum, "max": maximum}
        )
    return value


def _variant_names(names: Any) -> list[str]:
    if not names:
        return []
    if not isinstance(names, list | tuple):
        raise SourcingInvalid(_("variant names must be a list"))
    cleaned: list[str] = []
    for raw in names:
        name = str(raw).strip()[:60]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > VARIANTS_MAX:
        raise SourcingInvalid(_("at most %(max)s variants") % {"max": VARIANTS_MAX})
    return cleaned


def _pictures(urls: list[str]) -> list[bytes]:
    """The pictures behind ``urls`` that can be read (others skipped: a picture is optional)."""
    pictures: list[bytes] = []
    for url in urls[:IMAGES_MAX]:
        try:
            pictures.append(image_url_read(url, site_hosts=set()))
        except ImageRefused:
            continue
    return pictures


def _stock_warehouse(quote: SourcingQuote | None, warehouse: Warehouse | None) -> Warehouse | None:
    """The chosen quote's supplier warehouse when it has one, else the agent's platform one."""
    if quote is not None and quote.supplier_id is not None:
        own = (
            Warehouse.objects.filter(
                kind=WarehouseKind.SUPPLIER, supplier_id=quote.supplier_id, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if own is not None:
            return own
    if warehouse is not None and warehouse.kind != WarehouseKind.PLATFORM:
        raise SourcingInvalid(_("stock goes to a platform warehouse or the supplier's own"))
    return warehouse


def sourcing_publish(
    *,
    request: SourcingRequest,
    actor: User,
    name: Any,
    category: Category,
    price_minor: Any,
    weight_g: Any,
    length_mm: Any = 0,
    width_mm: Any = 0,
    height_mm: Any = 0,
    hs_code: Any = "",
    variant_names: Any = None,
    private: bool = True,
    quote: SourcingQuote | None = None,
    stock_quantity: Any = 0,
    warehouse: Warehouse | None = None,
    image_urls: list[str] | None = None,
) -> Published:
    """Publish a CLAIMED or QUOTED request as a catalog product and make it PUBLISHED.

    One variant without options, or one per name in ``variant_names`` (option "Variant"),
    each at ``price_minor`` with the same weight and dimensions. ``private`` makes it visible
    to the request's merchant only (``Product.private_for``). ``quote`` (one of this
    request's) names the supplier; ``stock_quantity`` > 0 is received for the first variant
    into that supplier's warehouse when it has one, else into ``warehouse`` (a platform
    warehouse), else refused. Pictures: ``image_urls``, else the quote's photos. The request's
    store variant, if any, is connected to the first variant (replacing its old connection).
    Refused (nothing written) with ``SourcingRefused`` for a request in another state or of
    another agent's merchant, ``SourcingInvalid`` for a bad field.
    """
    _operator_may(actor, request)
    if request.status not in (S.CLAIMED, S.QUOTED):
        raise SourcingRefused(
            _("only a claimed or quoted request can be published; %(id)s is %(status)s")
            % {"id": request.public_id, "status": str(S(request.status).label).lower()}
        )
    if quote is not None and quote.request_id != request.pk:
        raise SourcingInvalid(_("the quote belongs to another request"))
    price = _whole(price_minor, field=_("price"), minimum=1, maximum=PRICE_MAX_MINOR)
    dimensions = {
        "weight_g": _whole(weight_g, field=_("weight"), minimum=1, maximum=1_000_000),
        "length_mm": _whole(length_mm or 0, field=_("length"), minimum=0, maximum=10_000),
        "width_mm": _whole(width_mm or 0, field=_("width"), minimum=0, maximum=10_000),
        "height_mm": _whole(height_mm or 0, field=_("height"), minimum=0, maximum=10_000),
    }
    quantity = _whole(stock_quantity or 0, field=_("stock quantity"), minimum=0, maximum=STOCK_MAX)
    stock_at = _stock_warehouse(quote, warehouse) if quantity else None
    if quantity and stock_at is None:
        raise SourcingInvalid(_("choose a warehouse for the stock"))
    names = _variant_names(variant_names)
    variants = [
        {"price_minor": price, "options": {OPTION_NAME: n} if n else {}, **dimensions}
        for n in (names or [""])
    ]
    urls = list(image_urls or (quote.photo_urls if quote is not None else []))
    pictures = _pictures(urls)
    with transaction.atomic():
        locked = SourcingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if locked.status not in (S.CLAIMED, S.QUOTED):
            raise SourcingRefused(_("the request changed meanwhile; reload it"))
        try:
            product = catalog_services.product_create(
                actor=actor,
                name=name if isinstance(name, str) else "",
                category=category,
                variants=variants,
                supplier=quote.supplier if quote is not None else None,
                hs_code=str(hs_code or "")[:20],
                private_for=locked.merchant if private else None,
            )
        except CatalogError as exc:
            raise SourcingInvalid(str(exc)) from exc
        for index, content in enumerate(pictures):
            upload = SimpleUploadedFile(f"picture-{index}", content)
            try:
                catalog_services.product_image_add(product=product, upload=upload, actor=actor)
            except CatalogError:
                continue  # not a picture after all: skipped like an unreadable address
        variant = product.variants.order_by("position", "pk").first()
        assert variant is not None  # product_create made at least one
        if stock_at is not None:
            inventory_services.stock_receive(
                variant=variant,
                warehouse=stock_at,
                quantity=quantity,
                actor=actor,
                reason=_("Sourced for %(id)s") % {"id": locked.code},
                reference=locked.public_id,
            )
        locked.product = product
        locked.variant = variant
        done = sourcing_transition(
            request=locked, to_status=S.PUBLISHED, actor=actor, note=product.sku
        )
        connection = _connect(done, variant=variant, actor=actor)
    request.refresh_from_db()
    return Published(request=done, product=product, variant=variant, connection=connection)


def _connect(request: SourcingRequest, *, variant: Variant, actor: User) -> str:
    """Connect the request's store variant to ``variant``; "" without one, else "connected"
    or the reason it was not (noted in the request's history)."""
    if request.store_variant_id is None:
        return ""
    merchant = request.merchant
    try:
        with transaction.atomic():  # a refused connection keeps the old one
            old = ProductConnection.objects.filter(
                store_variant_id=request.store_variant_id, store__merchant=merchant
            ).first()
            if old is not None:
                connection_delete(merchant=merchant, connection=old, actor=actor)
            connection_create(
                merchant=merchant,
                store_variant=request.store_variant,
                variant=variant,
                actor=actor,
            )
        outcome = "connected"
    except DomainError as exc:
        outcome = str(exc)[:400]
    SourcingEvent.objects.create(
        request=request,
        from_status=request.status,
        to_status=request.status,
        kind="note",
        note=_("store variant: %(outcome)s") % {"outcome": outcome},
        actor=actor,
        actor_label=actor.email,
    )
    return outcome
