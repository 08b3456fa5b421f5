"""The operator's ticket desk under /ops/after-sales/tickets/ (namespace "aftersales_ops")."""

from django.urls import path

from . import views_ops_tickets as views

urlpatterns = [
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/<str:public_id>/", views.ticket, name="ticket"),
    path("tickets/<str:public_id>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<str:public_id>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<str:public_id>/status/", views.ticket_hold, name="ticket_hold"),
    path("tickets/<str:public_id>/complete/", views.ticket_complete, name="ticket_complete"),
]
