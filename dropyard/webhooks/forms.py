"""Forms of the webhook pages: one topic's URL, the delivery log filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin

from .choices import DeliveryStatus, WebhookTopic
from .selectors import MessageFilters


class TopicForm(BootstrapFormMixin, forms.Form):
    """A topic named by a POST (resume, test message)."""

    topic = forms.ChoiceField(label=_("Topic"), choices=WebhookTopic.choices)


class EndpointForm(TopicForm):
    """Set one topic's URL (enabled) or turn it off; the service checks the URL rules."""

    url = forms.CharField(required=False, max_length=500, label=_("Callback URL"))
    enabled = forms.BooleanField(required=False, label=_("Enabled"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("enabled") and not (data.get("url") or "").strip():
            raise forms.ValidationError(_("Enter the callback URL to enable this topic."))
        return data


class MessageFilterForm(BootstrapFormMixin, forms.Form):
    """Delivery log filters: topic, status of the latest delivery, creation dates."""

    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *WebhookTopic.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *DeliveryStatus.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filters(self) -> MessageFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return MessageFilters()
        data = self.cleaned_data
        return MessageFilters(
            topic=data["topic"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
