from django.urls import path

from checks import views, views_runs

app_name = "checks"

urlpatterns = [
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/explain/", views.finding_explain_view, name="finding-explain"),
    path("findings/<int:pk>/decide/", views.finding_decide_view, name="finding-decide"),
    path("runs/", views_runs.run_list_view, name="run-list"),
    path("runs/start/", views_runs.run_start_view, name="run-start"),
    path("runs/<int:pk>/", views_runs.run_detail_view, name="run-detail"),
    path("runs/<int:pk>/progress/", views_runs.run_progress_view, name="run-progress"),
]
