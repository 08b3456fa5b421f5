"""The merchant's after-sales pages under /after-sales/: the AS service center and disputes
(``urls_disputes``), tickets to management (``urls_tickets``)."""

from . import urls_disputes, urls_returns, urls_tickets

app_name = "aftersales"

urlpatterns = [*urls_disputes.urlpatterns, *urls_tickets.urlpatterns, *urls_returns.urlpatterns]
