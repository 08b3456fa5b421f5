"""Branded email: every message the platform sends has a text and an HTML part, the platform's
name (``DROPYARD_SITE_NAME``) and links to its public address (``SITE_URL``), never the host a
request happened to come in on.

``branded_message`` builds a message; ``branded_mail_on_commit`` sends it once the caller's
transaction has committed (a rolled-back invitation sends nothing). allauth's messages go
through ``accounts.adapter`` which uses ``site_context``, ``public_url`` and ``html_part``.
"""

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class SiteInfo:
    """What allauth's templates read as ``current_site`` (name and domain)."""

    name: str
    domain: str


def site_context() -> dict[str, object]:
    """The platform's name and public address for email templates."""
    site_url = settings.SITE_URL.rstrip("/")
    domain = urlsplit(site_url).netloc or site_url
    return {
        "site_name": settings.DROPYARD_SITE_NAME,
        "site_url": site_url,
        "current_site": SiteInfo(name=settings.DROPYARD_SITE_NAME, domain=domain),
    }


def public_url(url: str) -> str:
    """``url`` on the platform's public address: an absolute http(s) URL built from the
    request's host (``http://127.0.0.1:8101/accounts/…``) keeps its path, query and fragment
    under ``SITE_URL``. Anything else is returned unchanged."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    site = urlsplit(settings.SITE_URL.rstrip("/"))
    path = site.path.rstrip("/") + parts.path
    return urlunsplit((site.scheme, site.netloc, path, parts.query, parts.fragment))


def subject_line(subject: str) -> str:
    """The subject with the platform's prefix (``[Name] ``), on one line."""
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())


def html_part(*, text: str, subject: str, action_url: str = "", action_label: str = "") -> str:
    """The HTML alternative of a text message: the platform's frame around the text (links made
    clickable), with an optional button."""
    context = {
        **site_context(),
        "subject": subject,
        "text": text,
        "action_url": action_url,
        "action_label": action_label,
    }
    return render_to_string("emails/base.html", context)


def branded_message(
    *,
    subject: str,
    text: str,
    to: Sequence[str],
    action_url: str = "",
    action_label: str = "",
) -> EmailMultiAlternatives:
    """A text + HTML message from ``DEFAULT_FROM_EMAIL``; the text is framed by the greeting and
    signature of ``emails/base.txt``."""
    subject = subject_line(subject)
    context = {**site_context(), "text": text.strip()}
    body = render_to_string("emails/base.txt", context).strip() + "\n"
    message = EmailMultiAlternatives(subject, body, None, list(to))
    message.attach_alternative(
        html_part(
            text=text.strip(), subject=subject, action_url=action_url, action_label=action_label
        ),
        "text/html",
    )
    return message


def branded_mail_on_commit(
    *,
    subject: str,
    text: str,
    to: Sequence[str],
    action_url: str = "",
    action_label: str = "",
    language: str | None = None,
) -> None:
    """Send ``branded_message(...)`` once the current transaction commits (rendered then:
    a rolled-back change renders and sends nothing). ``language``: the reader's, for the
    frame's greeting and signature (default: the language active at commit)."""

    def send() -> None:
        with translation.override(language) if language else nullcontext():
            branded_message(
                subject=subject, text=text, to=to, action_url=action_url, action_label=action_label
            ).send()

    transaction.on_commit(send)
