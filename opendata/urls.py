from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.country, name="country"),
    path("regions/<str:code>/", views.region, name="region"),
    path("schools/<str:bin>/", views.school, name="school"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("search/", views.search, name="search"),
    path("data/", views.downloads, name="downloads"),
]
