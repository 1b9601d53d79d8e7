from django.urls import path

from acts import views

app_name = "acts"

urlpatterns = [
    path("", views.act_list, name="list"),
    path("build/", views.act_build, name="build"),
    path("<int:pk>/", views.act_detail, name="detail"),
    path("<int:pk>/lines/", views.act_lines_more, name="lines"),
    path("<int:pk>/pdf/", views.act_pdf_view, name="pdf"),
    path("<int:pk>/decide/", views.act_decide, name="decide"),
    path("<int:pk>/partly-accept/", views.act_partly_accept, name="partly_accept"),
    path("<int:pk>/return/", views.act_return, name="return"),
    path("<int:pk>/inspection/draw/", views.inspection_draw, name="inspection_draw"),
    path("<int:pk>/inspection/record/", views.inspection_record, name="inspection_record"),
    path("<int:pk>/<slug:action>/", views.act_transition, name="transition"),
    path("overdue/", views.overdue, name="overdue"),
]
