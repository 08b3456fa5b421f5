"""Sourcing request services: create (daily quota, duplicates), the one status transition,
claim, quote, fail, cancel, and the authority score.

Invariants:
- ``sourcing_transition`` is the only place a request's status changes: one
  ``SourcingEvent`` and one audit event per change, table ``choices.TRANSITIONS``; the
  SOURCINGCREATE webhook message goes out when a request is created and when it ends.
- ``sourcing_request_create`` locks the merchant's ``SourcingStanding`` row, so the quota
  check and the insert are one step: two concurrent creates cannot both take the last one.
  A duplicate (same product URL, same picture address, or a near-identical uploaded picture
  from the same merchant) creates nothing, costs no quota, lowers the score by the
  DUPLICATE rule and answers with the existing request.
- Over the quota: ``SourcingQuotaExceeded`` and nothing is written.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.accounts.models import ApiToken, MerchantAccount, User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import ErrorCode

from . import authority
from .choices import (
    FINAL_STATUSES,
    TRANSITIONS,
    AuthorityEventKind,
    SourcingChannel,
)
from .choices import SourcingStatus as S
from .exceptions import NotFound, PermissionDenied, SourcingError
from .models import AuthorityEvent, SourcingEvent, SourcingQuote, SourcingRequest, SourcingStanding
from .platforms import platform_of, url_key
from .sourcing_webhooks import sourcing_message_publish

Actor = User | ApiToken | None

NAME_MAX = 300
TEXT_MAX = 4000
URL_MAX = 1000
REF_MAX = 100
PRICE_MAX_MINOR = 10**10  # $100,000,000: far above any unit price, far below overflow
QUANTITY_MAX = 10**8
COUNTRIES_MAX = 50
# Currencies a target price may be given in (all with two decimals, so minor units are cents /
# fen): the merchant's own and the ones source shops show (1688 and Taobao show yuan).
TARGET_CURRENCIES = ("USD", "CNY", "EUR", "GBP", "CAD", "AUD", "HKD")
# Uploaded pictures this close (Hamming distance of 64-bit pHashes) count as the same product.
IMAGE_DUPLICATE_DISTANCE = 6
# How many of a merchant's latest pictures a new one is compared with.
IMAGE_DUPLICATE_WINDOW = 2000


class SourcingInvalid(SourcingError):
    """A field of a sourcing request is missing or invalid (the message names it)."""


class SourcingQuotaExceeded(SourcingError):
    """The account used today's sourcing requests; the message says when it renews."""

    default_code = ErrorCode.QUOTA_USED_UP
    http_status = 429


class SourcingRefused(SourcingError):
    """The request's state does not allow the change (e.g. quoting a published request)."""


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _actor_label(actor: Actor) -> str:
    if isinstance(actor, ApiToken):
        return "API"
    user = _user(actor)
    return user.email if user is not None else "system"


# --- Standing and quota -------------------------------------------------------------------------


def standing_for(merchant: MerchantAccount, *, lock: bool = False) -> SourcingStanding:
    """The merchant's standing row (created at the starting score on first use)."""
    SourcingStanding.objects.get_or_create(merchant=merchant)
    qs = SourcingStanding.objects.filter(merchant=merchant)
    if lock:
        qs = qs.select_for_update()
    return qs.get()


def day_start(now: datetime | None = None) -> datetime:
    """Midnight of today in the site's time zone: the quota renews then."""
    local = timezone.localtime(now or timezone.now())
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


def used_today(merchant: MerchantAccount, *, now: datetime | None = None) -> int:
    """Requests the merchant created since midnight (duplicates create none)."""
    return SourcingRequest.objects.filter(merchant=merchant, created_at__gte=day_start(now)).count()


@dataclass(frozen=True)
class Quota:
    """What a merchant sees of the rules: level, score, band, today's quota and what is left."""

    level: int
    score: int
    band: authority.Band
    quota: int
    used: int
    remaining: int
    renews_at: datetime


def quota_for(merchant: MerchantAccount, *, now: datetime | None = None) -> Quota:
    """The merchant's quota now (reads only)."""
    standing = SourcingStanding.objects.filter(merchant=merchant).first()
    score = standing.score if standing is not None else authority.START_SCORE
    used = used_today(merchant, now=now)
    quota = authority.daily_quota(level=merchant.level, score=score)
    return Quota(
        level=merchant.level,
        score=score,
        band=authority.band_for(score),
        quota=quota,
        used=used,
        remaining=max(0, quota - used),
        renews_at=day_start(now) + timedelta(days=1),
    )


def authority_record(
    *,
    merchant: MerchantAccount,
    kind: str,
    request: SourcingRequest | None = None,
    actor: Actor = None,
    note: str = "",
    delta: int | None = None,
) -> AuthorityEvent:
    """Apply one authority event (``authority.RULES[kind]``, or ``delta`` for an operator's
    adjustment) to the merchant's score; the standing row is locked for it."""
    standing = standing_for(merchant, lock=True)
    before = standing.score
    after = authority.clamp(before + delta) if delta is not None else authority.apply(before, kind)
    standing.score = after
    standing.save(update_fields=["score", "updated_at"])
    return AuthorityEvent.objects.create(
        merchant=merchant,
        request=request,
        kind=kind,
        delta=after - before,
        score_after=after,
        note=note[:300],
        actor=_user(actor),
    )


@transaction.atomic
def standing_adjust(
    *,
    merchant: MerchantAccount,
    actor: User,
    score: int | None = None,
    level: int | None = None,
    note: str,
) -> SourcingStanding:
    """An operator sets a merchant's authority score and/or account level (audited; a reason
    is required). Scores are clamped to 0–100; levels must be a known ``AccountLevel``."""
    from dropyard.accounts.choices import AccountLevel

    note = (note or "").strip()
    if not note:
        raise SourcingInvalid(_("say why the standing changes"))
    details: dict[str, Any] = {"note": note[:200]}
    if level is not None:
        if level not in AccountLevel.values:
            raise SourcingInvalid(_("unknown account level %(level)s") % {"level": level})
        merchant = MerchantAccount.objects.select_for_update().get(pk=merchant.pk)
        details["level"] = [merchant.level, level]
        merchant.level = level
        merchant.save(update_fields=["level", "updated_at"])
    if score is not None:
        standing = standing_for(merchant, lock=True)
        target = authority.clamp(int(score))
        details["score"] = [standing.score, target]
        authority_record(
            merchant=merchant,
            kind=AuthorityEventKind.ADJUSTED,
            actor=actor,
            note=note,
            delta=target - standing.score,
        )
    audit_record(
        action=AuditAction.SOURCING_STANDING,
        actor=actor,
        merchant=merchant,
        target=merchant,
        details=details,
    )
    return standing_for(merchant)


# --- Validation ---------------------------------------------------------------------------------


def _text(value: Any, *, field: str, maximum: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise SourcingInvalid(_("%(field)s must be text") % {"field": field})
    value = value.strip()
    if required and not value:
        raise SourcingInvalid(_("%(field)s is required") % {"field": field})
    if len(value) > maximum:
        raise SourcingInvalid(
            _("%(field)s is longer than %(max)s characters") % {"field": field, "max": maximum}
        )
    return value


def _url(value: Any, *, field: str) -> str:
    url = _text(value, field=field, maximum=URL_MAX)
    if url and not url.lower().startswith(("http://", "https://")):
        raise SourcingInvalid(
            _("%(field)s must be an http:// or https:// address") % {"field": field}
        )
    return url


def _amount(value: Any, *, field: str, maximum: int, minimum: int = 1) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SourcingInvalid(_("%(field)s must be a whole number") % {"field": field})
    if value < minimum or value > maximum:
        raise SourcingInvalid(
            _("%(field)s must be between %(min)s and %(max)s")
            % {"field": field, "min": minimum, "max": maximum}
        )
    return value


def _countries(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple) or len(value) > COUNTRIES_MAX:
        raise SourcingInvalid(_("destination countries must be a list of country codes"))
    codes: list[str] = []
    for raw in value:
        code = raw.strip().upper() if isinstance(raw, str) else ""
        if code not in countries:
            raise SourcingInvalid(_("unknown country code %(code)s") % {"code": str(raw)[:10]})
        if code not in codes:
            codes.append(code)
    return codes


def _image_hash(content: bytes) -> int:
    from dropyard.catalog.imagehashing import image_decode, phash64, to_signed

    return to_signed(phash64(image_decode(content, name=_("the picture"))))


def _duplicate_of(
    merchant: MerchantAccount, *, key: str, image_url: str, image_hash: int | None
) -> SourcingRequest | None:
    mine = SourcingRequest.objects.filter(merchant=merchant).exclude(status=S.CANCELLED)
    if key:
        found = mine.filter(url_key=key).order_by("created_at", "pk").first()
        if found is not None:
            return found
    if image_url:
        found = mine.filter(image_url=image_url).order_by("created_at", "pk").first()
        if found is not None:
            return found
    if image_hash is not None:
        from dropyard.catalog.imagehashing import hamming

        recent = mine.filter(image_hash__isnull=False).order_by("-created_at", "-pk")
        for pk, other in recent.values_list("pk", "image_hash")[:IMAGE_DUPLICATE_WINDOW]:
            if hamming(image_hash, other) <= IMAGE_DUPLICATE_DISTANCE:
                return SourcingRequest.objects.get(pk=pk)
    return None


# --- Create -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    """The answer of ``sourcing_request_create``: the request, and whether it is new."""

    request: SourcingRequest
    created: bool


def sourcing_request_create(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    product_name: Any,
    source_url: Any = "",
    image_url: Any = "",
    image_content: bytes | None = None,
    description: Any = "",
    target_price_minor: Any = None,
    monthly_quantity: Any = None,
    destination_countries: Any = None,
    notes: Any = "",
    third_product_id: Any = "",
    third_variant_id: Any = "",
    third_product_sku: Any = "",
    store_variant_id: int | None = None,
    channel: str = SourcingChannel.WEB,
    currency: Any = "USD",
) -> Created:
    """Create a sourcing request, or answer a duplicate with the existing one.

    Needs a product name and at least one of a product URL, a picture address or an uploaded
    picture (``image_content``, decoded and re-encoded; EXIF dropped). Refused with
    ``SourcingInvalid`` naming the field, ``SourcingQuotaExceeded`` over today's quota, and
    ``NotFound`` for a store variant of another merchant. Nothing is written when refused.
    """
    name = _text(product_name, field="productName", maximum=NAME_MAX, required=True)
    url = _url(source_url, field="productUrl")
    picture_url = _url(image_url, field="productImage")
    if not (url or picture_url or image_content):
        raise SourcingInvalid(_("give a product link or a picture"))
    fields: dict[str, Any] = {
        "description": _text(description, field="description", maximum=TEXT_MAX),
        "notes": _text(notes, field="remark", maximum=TEXT_MAX),
        "third_product_id": _text(third_product_id, field="thirdProductId", maximum=REF_MAX),
        "third_variant_id": _text(third_variant_id, field="thirdVariantId", maximum=REF_MAX),
        "third_product_sku": _text(third_product_sku, field="thirdProductSku", maximum=REF_MAX),
        "target_price_minor": _amount(target_price_minor, field="price", maximum=PRICE_MAX_MINOR),
        "monthly_quantity": _amount(
            monthly_quantity, field="monthlyQuantity", maximum=QUANTITY_MAX
        ),
        "destination_countries": _countries(destination_countries),
    }
    if channel not in SourcingChannel.values:
        raise SourcingInvalid(_("unknown channel"))
    currency = currency.strip().upper() if isinstance(currency, str) else currency
    if currency not in TARGET_CURRENCIES:
        raise SourcingInvalid(
            _("currency must be one of %(codes)s") % {"codes": ", ".join(TARGET_CURRENCIES)}
        )
    fields["currency"] = currency
    store_variant = None
    if store_variant_id is not None:
        from dropyard.stores.models import StoreVariant

        store_variant = StoreVariant.objects.filter(
            pk=store_variant_id, store__merchant=merchant
        ).first()
        if store_variant is None:
            raise NotFound(_("store variant not found"))
    picture: bytes | None = None
    picture_hash: int | None = None
    if image_content:
        from dropyard.catalog.imagehashing import image_decode

        decoded = image_decode(image_content, name=_("the picture"))
        picture_hash = _image_hash(image_content)
        picture = _jpeg(decoded)
    key = url_key(url)
    with transaction.atomic():
        standing = standing_for(merchant, lock=True)
        existing = _duplicate_of(merchant, key=key, image_url=picture_url, image_hash=picture_hash)
        if existing is not None:
            authority_record(
                merchant=merchant,
                kind=AuthorityEventKind.DUPLICATE,
                request=existing,
                actor=actor,
                note=existing.public_id,
            )
            return Created(request=existing, created=False)
        quota = authority.daily_quota(level=merchant.level, score=standing.score)
        if used_today(merchant) >= quota:
            renews = timezone.localtime(day_start() + timedelta(days=1))
            raise SourcingQuotaExceeded(
                _("today's %(quota)s sourcing requests are used; the quota renews at %(time)s")
                % {"quota": quota, "time": renews.strftime("%Y-%m-%d %H:%M %Z")}
            )
        request = SourcingRequest(
            merchant=merchant,
            created_by=_user(actor),
            channel=channel,
            platform=platform_of(url),
            source_url=url,
            url_key=key,
            product_name=name,
            image_url=picture_url,
            image_hash=picture_hash,
            store_variant=store_variant,
            **fields,
        )
        if picture is not None:
            request.image.save("picture.jpg", ContentFile(picture), save=False)
        request.save()
        SourcingEvent.objects.create(
            request=request,
            from_status="",
            to_status=request.status,
            actor=_user(actor),
            actor_label=_actor_label(actor),
        )
        audit_record(
            action=AuditAction.SOURCING_CREATED,
            actor=_user(actor),
            actor_label=_actor_label(actor),
            merchant=merchant,
            target=request,
            details={
                "request": request.public_id,
                "channel": channel,
                "platform": request.platform,
            },
        )
        sourcing_message_publish(request, message_type="INSERT")
    return Created(request=request, created=True)


def _jpeg(image: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


# --- The one status transition -----------------------------------------------------------------


def _lock(request: SourcingRequest) -> SourcingRequest:
    return SourcingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


def sourcing_transition(
    *,
    request: SourcingRequest,
    to_status: str,
    actor: Actor,
    note: str = "",
) -> SourcingRequest:
    """Move ``request`` (locked here) to ``to_status`` along ``TRANSITIONS``; refused with
    ``SourcingRefused`` otherwise. Sets ``claimed_at`` / ``closed_at``; publishes the
    SOURCINGCREATE message when the request ends. Call inside a transaction."""
    locked = _lock(request)
    if to_status not in TRANSITIONS.get(locked.status, frozenset()):
        raise SourcingRefused(
            _("sourcing request %(id)s is %(status)s: it cannot become %(target)s")
            % {
                "id": locked.public_id,
                "status": str(S(locked.status).label).lower(),
                "target": str(S(to_status).label).lower(),
            }
        )
    from_status = locked.status
    now = timezone.now()
    locked.status = to_status
    update = ["status", "updated_at"]
    if to_status == S.CLAIMED:
        locked.claimed_at = now
        update.append("claimed_at")
    if to_status in FINAL_STATUSES:
        locked.closed_at = now
        update.append("closed_at")
    for attr in ("agent_id", "product_id", "variant_id", "fail_reason"):
        if getattr(request, attr) != getattr(locked, attr):
            setattr(locked, attr, getattr(request, attr))
            update.append(attr.removesuffix("_id"))
    locked.save(update_fields=update)
    SourcingEvent.objects.create(
        request=locked,
        from_status=from_status,
        to_status=to_status,
        note=note[:500],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    audit_record(
        action=AuditAction.SOURCING_STATUS,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        merchant=locked.merchant,
        target=locked,
        details={
            "request": locked.public_id,
            "from": from_status,
            "to": to_status,
            "note": note[:200],
        },
    )
    if to_status in FINAL_STATUSES:
        sourcing_message_publish(locked, message_type="UPDATE")
    request.refresh_from_db()
    return locked


# --- Steps --------------------------------------------------------------------------------------


def _operator_may(user: User, request: SourcingRequest) -> None:
    """Admins and support handle any request; an agent only their merchants'."""
    from dropyard.accounts.choices import OperatorRole

    role = getattr(user, "operator_role", "")
    if user.is_superuser or role in (OperatorRole.ADMIN, OperatorRole.SUPPORT):
        return
    if role == OperatorRole.AGENT and request.merchant.agent_id == user.pk:
        return
    raise PermissionDenied(_("this sourcing request is not one of your merchants'"))


@transaction.atomic
def sourcing_claim(*, request: SourcingRequest, actor: User) -> SourcingRequest:
    """The agent takes a SUBMITTED request: it becomes CLAIMED with them as its agent."""
    _operator_may(actor, request)
    request.agent = actor
    return sourcing_transition(request=request, to_status=S.CLAIMED, actor=actor)


@transaction.atomic
def sourcing_quote_add(
    *,
    request: SourcingRequest,
    actor: User,
    supplier_name: Any,
    unit_price_minor: Any,
    moq: Any = 1,
    lead_time_days: Any = 0,
    weight_g: Any = 0,
    photo_urls: Any = None,
    note: Any = "",
    supplier_id: int | None = None,
) -> SourcingQuote:
    """Add a supplier option to a CLAIMED or QUOTED request; the first makes it QUOTED."""
    _operator_may(actor, request)
    locked = _lock(request)
    if locked.status not in (S.CLAIMED, S.QUOTED):
        raise SourcingRefused(
            _("only a claimed or quoted request takes quotes; %(id)s is %(status)s")
            % {"id": locked.public_id, "status": str(S(locked.status).label).lower()}
        )
    price = _amount(unit_price_minor, field=_("unit price"), maximum=PRICE_MAX_MINOR)
    if price is None:
        raise SourcingInvalid(_("unit price is required"))
    photos = photo_urls or []
    if not isinstance(photos, list) or len(photos) > 10:
        raise SourcingInvalid(_("at most 10 photo addresses"))
    quote = SourcingQuote.objects.create(
        request=locked,
        supplier_id=supplier_id,
        supplier_name=_text(supplier_name, field=_("supplier"), maximum=200, required=True),
        unit_price_minor=price,
        currency=locked.currency,
        moq=_amount(moq, field="MOQ", maximum=QUANTITY_MAX) or 1,
        lead_time_days=_amount(lead_time_days, field=_("lead time"), maximum=365, minimum=0) or 0,
        weight_g=_amount(weight_g, field=_("weight"), maximum=1_000_000, minimum=0) or 0,
        photo_urls=[_url(p, field=_("photo")) for p in photos],
        note=_text(note, field=_("note"), maximum=TEXT_MAX),
        created_by=actor,
    )
    SourcingEvent.objects.create(
        request=locked,
        from_status=locked.status,
        to_status=locked.status,
        kind="quote",
        note=f"{quote.supplier_name}: {price}",
        actor=actor,
        actor_label=actor.email,
    )
    audit_record(
        action=AuditAction.SOURCING_QUOTED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"request": locked.public_id, "quote": quote.pk, "unit_price_minor": price},
    )
    if locked.status == S.CLAIMED:
        sourcing_transition(request=locked, to_status=S.QUOTED, actor=actor)
    return quote


@transaction.atomic
def sourcing_fail(*, request: SourcingRequest, actor: User, reason: Any) -> SourcingRequest:
    """The agent ends an open request as FAILED with a reason the merchant reads; the
    merchant's score falls by the FAILED rule."""
    _operator_may(actor, request)
    request.fail_reason = _text(reason, field=_("reason"), maximum=500, required=True)
    done = sourcing_transition(
        request=request, to_status=S.FAILED, actor=actor, note=request.fail_reason
    )
    authority_record(
        merchant=done.merchant, kind=AuthorityEventKind.FAILED, request=done, actor=actor
    )
    return done


@transaction.atomic
def sourcing_cancel(
    *, merchant: MerchantAccount, request: SourcingRequest, actor: Actor
) -> SourcingRequest:
    """The merchant withdraws an open request; once an agent worked on it (claimed or
    quoted) it counts as abandoned and the score falls by the ABANDONED rule."""
    if request.merchant_id != merchant.pk:
        raise NotFound(_("sourcing request not found"))
    worked = request.status != S.SUBMITTED
    done = sourcing_transition(request=request, to_status=S.CANCELLED, actor=actor)
    if worked:
        authority_record(
            merchant=merchant, kind=AuthorityEventKind.ABANDONED, request=done, actor=actor
        )
    return done
