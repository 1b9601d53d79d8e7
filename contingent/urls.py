from django.urls import path

from contingent import views

app_name = "contingent"

urlpatterns: list = [
    path("", views.enrolment_list_view, name="enrolment_list"),
    path("add/", views.enrolment_add_view, name="enrolment_add"),
    path("<int:pk>/", views.enrolment_detail_view, name="enrolment_detail"),
    path("<int:pk>/edit/", views.enrolment_edit_view, name="enrolment_edit"),
    path("<int:pk>/leave/", views.enrolment_leave_view, name="enrolment_leave"),
    path("<int:pk>/nobd/", views.enrolment_nobd_view, name="enrolment_nobd"),
    path("upload/", views.upload_view, name="upload"),
    path("uploads/<int:pk>/", views.import_detail_view, name="import_detail"),
    path("uploads/<int:pk>/progress/", views.import_progress_view, name="import_progress"),
    path("uploads/<int:pk>/confirm/", views.import_confirm_view, name="import_confirm"),
    path("uploads/<int:pk>/discard/", views.import_discard_view, name="import_discard"),
    path("snapshots/", views.snapshot_list_view, name="snapshot_list"),
]
