"""allauth adapter: send people where their role works; brand allauth's emails."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dropyard.core.mail import html_part, public_url, site_context

# allauth's context keys holding the link a message is about: the HTML part's button (its label
# in the language the message is rendered in).
ACTION_LINKS = (
    ("activate_url", _("Confirm your email")),
    ("password_reset_url", _("Choose a new password")),
    ("signup_url", _("Sign up")),
)


class AccountAdapter(DefaultAccountAdapter):
    """Operators land in the back office, suppliers-to-be on their application, merchants home.

    Emails: the platform's name (``DROPYARD_SITE_NAME``) instead of the request's host, links on
    ``SITE_URL``, and an HTML part beside allauth's text (our ``account/email`` templates).
    """

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.operator_role:
            return reverse("dashboard:ops_home")
        if user.is_authenticated and not user.memberships.exists():
            return reverse("supplier:apply")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return public_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return public_url(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Links built from the request (sign-up, reset) move to SITE_URL; the site is ours.
        links = {
            key: public_url(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str)
        }
        super().send_mail(template_prefix, email, {**context, **links, **site_context()})

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            # The same words as the text part (rendered without its greeting and signature,
            # which the HTML frame adds), so both parts always say the same thing.
            text = render_to_string(
                f"{template_prefix}_message.txt", {**context, "bare": True}
            ).strip()
            url, label = next(
                ((context[key], label) for key, label in ACTION_LINKS if context.get(key)),
                ("", ""),
            )
            message.attach_alternative(
                html_part(
                    text=text, subject=message.subject, action_url=url, action_label=str(label)
                ),
                "text/html",
            )
        return message
