"""The back office's after-sales pages under /ops/after-sales/: the dispute desk, returns,
the ticket desk and the business calendar."""

from . import urls_ops_calendar, urls_ops_disputes, urls_ops_returns, urls_ops_tickets

app_name = "aftersales_ops"

urlpatterns = [
    *urls_ops_disputes.urlpatterns,
    *urls_ops_returns.urlpatterns,
    *urls_ops_tickets.urlpatterns,
    *urls_ops_calendar.urlpatterns,
]
