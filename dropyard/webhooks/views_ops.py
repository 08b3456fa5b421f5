"""Back-office webhook page (operator admins): the failed deliveries of every merchant, with a
retry for the ticked ones (``services.webhook_delivery_retry``, one call per delivery)."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from dropyard.core.access import operator_view
from dropyard.core.lists import BulkAction, SearchFilter, list_page
from dropyard.core.views_helpers import flash_each

from . import selectors, services
from .lists import FailedDeliveryTable

ADMIN_ONLY = {"admin"}


def _retry(request: HttpRequest, deliveries: QuerySet) -> None:
    """The bulk action: send each ticked delivery's message again; refusals are flashed."""
    flash_each(
        request,
        deliveries,
        lambda delivery: services.webhook_delivery_retry(
            delivery=delivery, actor=request.user, request=request
        ),
        done=lambda count: (
            ngettext("%(count)d delivery sent again.", "%(count)d deliveries sent again.", count)
            % {"count": count}
        ),
        name=lambda delivery: delivery.message.message_id,
    )


@operator_view(roles=ADMIN_ONLY)
def failed_deliveries(request: HttpRequest) -> HttpResponse:
    """Failed webhook deliveries (every merchant), latest first, searchable, with a retry."""
    return list_page(
        request,
        queryset=selectors.webhook_delivery_failed_list(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": selectors.webhook_delivery_failed_list,
            "placeholder": _("Message id, merchant or account number"),
        },
        table_class=FailedDeliveryTable,
        bulk_actions=[
            BulkAction(
                name="retry",
                label=_("Send the ticked deliveries again"),
                handler=_retry,
                style="btn-primary",
                testid="retry-deliveries",
            )
        ],
        template="webhooks/ops/failed_deliveries.html",
        export_name="failed-webhooks",
        context={
            "title": _("Failed webhook deliveries"),
            "noun": gettext_noop("delivery"),
            "noun_plural": gettext_noop("deliveries"),
            "empty_filtered_text": _("No failed delivery matches."),
            "empty_text": _("No webhook delivery has failed."),
        },
    )
