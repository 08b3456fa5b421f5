"""The merchant's ticket pages under /after-sales/tickets/ (namespace "aftersales")."""

from django.urls import path

from . import views_tickets as views

urlpatterns = [
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/<str:public_id>/", views.ticket, name="ticket"),
    path("tickets/<str:public_id>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<str:public_id>/complete/", views.ticket_complete, name="ticket_complete"),
    path("tickets/<str:public_id>/remind/", views.ticket_remind, name="ticket_remind"),
    path("tickets/<str:public_id>/rate/", views.ticket_rate, name="ticket_rate"),
]
