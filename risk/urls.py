from django.urls import path

from risk import views

app_name = "risk"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("schools/<int:pk>/", views.school_risk, name="school"),
    path("flags/", views.flag_list, name="flag-list"),
    path("flags/<int:pk>/", views.flag_detail, name="flag-detail"),
    path("flags/<int:pk>/replay/", views.flag_replay_view, name="flag-replay"),
    path("runs/", views.run_list, name="run-list"),
]
