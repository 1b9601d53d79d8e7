from django.urls import path

from checks import views

app_name = "checks"

urlpatterns = [
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/explain/", views.finding_explain_view, name="finding-explain"),
    path("findings/<int:pk>/decide/", views.finding_decide_view, name="finding-decide"),
]
