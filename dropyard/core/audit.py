"""The one write path for the audit log."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from .choices import AuditAction
from .models import AuditEvent
from .parties import MerchantRef


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our proxy the last X-Forwarded-For entry."""
    if request is None:
        return None
    if settings.DROPYARD_BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: AuditAction,
    actor: object = None,
    actor_label: str = "",
    merchant: MerchantRef | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record one audit event. Call it inside the transaction of the write it describes.

    ``actor`` is any ``accounts.actors.Actor``; only a logged-in user is stored as the event's
    actor (its email is the label unless ``actor_label`` says otherwise).
    """
    user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
    if user is not None and not actor_label:
        actor_label = user.email
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label[:254],
        merchant=merchant,  # type: ignore[misc]  # an accounts.MerchantAccount (see core.parties)
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:254],
        details=details or {},
        ip_address=client_ip(request),
    )
