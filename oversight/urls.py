from django.urls import path

from oversight import views, views_audit

app_name = "oversight"

urlpatterns = [
    path("audit/", views_audit.audit_list, name="audit-list"),
    path("audit/verify/", views_audit.audit_verify, name="audit-verify"),
    path("audit/heads/", views_audit.audit_heads, name="audit-heads"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_open, name="case-open"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="case-step"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("acts/<int:act_pk>/cases/", views.act_cases, name="act-cases"),
]
