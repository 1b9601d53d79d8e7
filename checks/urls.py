from django.urls import path

from checks import views_runs

app_name = "checks"

urlpatterns: list = [
    path("runs/", views_runs.run_list_view, name="run_list"),
    path("runs/start/", views_runs.run_start_view, name="run_start"),
    path("runs/<int:pk>/", views_runs.run_detail_view, name="run_detail"),
    path("runs/<int:pk>/progress/", views_runs.run_progress_view, name="run_progress"),
]
