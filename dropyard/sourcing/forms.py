"""Forms of the messages pages. They only parse input; ``message_send`` validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin

from .services import MESSAGE_MAX_LENGTH


class MessageForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write a message…")}),
    )


class ThreadFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Merchant name or account number"))
    unread = forms.BooleanField(required=False, label=_("Unread only"))

    def values(self) -> tuple[str, bool]:
        if not self.is_valid():
            return "", False
        return self.cleaned_data["q"].strip(), self.cleaned_data["unread"]
