from django.urls import path

from . import views_desk

app_name = "sourcing_desk"
urlpatterns = [
    path("", views_desk.queue, name="queue"),
    path("<str:public_id>/", views_desk.detail, name="detail"),
    path("<str:public_id>/picture/", views_desk.picture, name="picture"),
    path("<str:public_id>/claim/", views_desk.claim, name="claim"),
    path("<str:public_id>/quote/", views_desk.quote, name="quote"),
    path("<str:public_id>/publish/", views_desk.publish, name="publish"),
    path("<str:public_id>/fail/", views_desk.fail, name="fail"),
    path("standing/<int:pk>/", views_desk.standing, name="standing"),
    path("standing/<int:pk>/adjust/", views_desk.standing_adjust, name="standing_adjust"),
]
