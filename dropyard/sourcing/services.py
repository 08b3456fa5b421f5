"""Sourcing services: the only code that writes agent messages.

Messages are not audited: they are not sensitive writes, and the message row itself is the
permanent record (sender, time, body; never edited).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.mail import branded_mail_on_commit

from .exceptions import MessageInvalid, PermissionDenied
from .models import AgentMessage
from .selectors import can_operator_access_thread

MESSAGE_MAX_LENGTH = 5000


def _require_thread_access(*, merchant: MerchantAccount, user: User) -> None:
    """Operators: the merchant's agent or an admin. Everyone else: a member of the merchant."""
    if user.is_operator:
        if not can_operator_access_thread(operator=user, merchant=merchant):
            raise PermissionDenied(_("Only this merchant's personal agent can write here"))
    elif not merchant.members.filter(user=user).exists():
        raise PermissionDenied(_("You are not a member of this merchant account"))


def _notify(*, message: AgentMessage) -> None:
    """Email the other side of the thread once the message has committed."""
    merchant = message.merchant
    if message.from_agent:
        recipient = merchant.contact_email
        link = f"{settings.SITE_URL}{reverse('sourcing:messages')}"
        subject = f"New message from your agent ({merchant.business_name})"
    else:
        agent = merchant.agent if merchant.agent_id else None
        recipient = agent.email if agent is not None else ""
        link = f"{settings.SITE_URL}{reverse('sourcing:ops_thread', args=[merchant.pk])}"
        subject = f"New message from {merchant.business_name} ({merchant.account_number})"
    if not recipient:
        return
    sender = message.sender.display_name if message.sender else settings.DROPYARD_SITE_NAME
    body = f"{sender} wrote:\n\n{message.body}\n\nReply here: {link}\n"
    branded_mail_on_commit(
        subject=subject, text=body, to=[recipient], action_url=link, action_label="Reply"
    )


@transaction.atomic
def message_send(*, merchant: MerchantAccount, sender: User, body: str) -> AgentMessage:
    """Post ``body`` (stripped, 1–5000 characters) to the merchant's thread with its agent.

    Invariants: ``from_agent`` is True exactly when the sender is operator staff; an operator may
    post only to merchants they are the personal agent of (admins to any), a merchant person only
    to their own merchant. The other side is emailed on commit: the agent for merchant messages
    (nobody while no agent is assigned), the merchant's contact email for agent messages.
    """
    body = (body or "").strip()
    if not body:
        raise MessageInvalid(_("Write a message first"))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise MessageInvalid(
            _("Messages are limited to %(count)s characters") % {"count": MESSAGE_MAX_LENGTH}
        )
    _require_thread_access(merchant=merchant, user=sender)
    message = AgentMessage.objects.create(
        merchant=merchant, sender=sender, from_agent=sender.is_operator, body=body
    )
    _notify(message=message)
    return message


@transaction.atomic
def thread_mark_read(*, merchant: MerchantAccount, reader: User) -> int:
    """Mark the other side's unread messages in the thread as read; return how many.

    Invariant: ``read_at`` is set once and never moves; a reader never marks their own side's
    messages (an operator marks merchant messages, a merchant person marks agent messages). An
    admin looking at a thread that has an assigned agent marks nothing, so the agent still sees
    the messages as unread.
    """
    _require_thread_access(merchant=merchant, user=reader)
    if reader.is_operator and merchant.agent_id not in (None, reader.pk):
        return 0
    return AgentMessage.objects.filter(
        merchant=merchant, from_agent=not reader.is_operator, read_at__isnull=True
    ).update(read_at=timezone.now(), updated_at=timezone.now())
