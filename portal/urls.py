from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    # A school's dossier keeps the address it had under the schools pages.
    path("schools/mine/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("enrolments/<int:pk>/findings/", views.enrolment_findings, name="enrolment_findings"),
]
