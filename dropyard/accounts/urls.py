"""Merchant-side account pages, mounted at /account/."""

from django.urls import path

from . import views, views_notifications

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.language, name="language"),
    path("switch/", views.switch_merchant, name="switch_merchant"),
    path("team/", views.team, name="team"),
    path("team/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("api-keys/", views.apikeys, name="apikeys"),
    path("api-keys/<int:pk>/revoke/", views.apikey_revoke, name="apikey_revoke"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/menu/", views_notifications.notification_menu, name="notification_menu"),
    path(
        "notifications/read-all/",
        views_notifications.notification_mark_all_read,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:pk>/",
        views_notifications.notification_open,
        name="notification_open",
    ),
]
