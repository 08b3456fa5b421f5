from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("ops/audit/", views.ops_audit_list, name="ops_audit_list"),
    path("ops/audit/export/", views.ops_audit_export, name="ops_audit_export"),
    path("ops/jobs/", views.ops_job_list, name="ops_job_list"),
    path("ops/jobs/<int:pk>/", views.ops_job_detail, name="ops_job_detail"),
    path("ops/jobs/<int:pk>/download/", views.ops_job_download, name="ops_job_download"),
    path("ops/tasks/failed/", views.ops_task_failed_list, name="ops_task_failed_list"),
    path("ops/tasks/failed/rq/", views.ops_rq_failed_list, name="ops_rq_failed_list"),
    path("ops/tasks/failed/rq/requeue/", views.ops_rq_failed_requeue, name="ops_rq_failed_requeue"),
    path("ops/tasks/failed/rq/delete/", views.ops_rq_failed_delete, name="ops_rq_failed_delete"),
]
