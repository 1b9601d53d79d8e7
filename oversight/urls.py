from django.urls import path, re_path

from oversight import views, views_audit

app_name = "oversight"

urlpatterns = [
    path("audit/", views_audit.audit_list, name="audit-list"),
    path("audit/verify/", views_audit.audit_verify, name="audit-verify"),
    path("audit/actors/", views_audit.actor_autocomplete, name="actor-autocomplete"),
    path("audit/heads/", views_audit.audit_heads, name="audit-heads"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_open, name="case-open"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    # one pattern per step (each view names its action), reversed alike: {% url 'oversight:case-step' pk 'close' %}
    *[re_path(rf"^cases/(?P<pk>[0-9]{{1,18}})/(?P<step>{step})/$", view, name="case-step")
      for step, view in views.STEP_VIEWS.items()],
    path("questions/<int:pk>/answer/", views.question_answer, name="question-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("acts/<int:act_pk>/cases/", views.act_cases, name="act-cases"),
]
