from django.urls import path

from registries.inspectors import views

# Mounted at /registries/inspectors/ (namespace "registries").
urlpatterns = [
    path("", views.inspector_list, name="inspector_list"),
    path("new/", views.inspector_create, name="inspector_create"),
    path("import/", views.inspector_import, name="inspector_import"),
    path("import/apply/", views.inspector_import_apply, name="inspector_import_apply"),
    path("<int:inspector_id>/", views.inspector_detail, name="inspector_detail"),
    path("<int:inspector_id>/edit/", views.inspector_edit, name="inspector_edit"),
    path(
        "<int:inspector_id>/certificate/", views.inspector_certificate, name="inspector_certificate"
    ),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:expert_id>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:expert_id>/edit/", views.expert_edit, name="expert_edit"),
    path(
        "experts/<int:expert_id>/recusals/new/",
        views.expert_recusal_declare,
        name="expert_recusal_declare",
    ),
    path("recusals/", views.recusal_list, name="recusal_list"),
    path("recusals/new/", views.recusal_declare, name="recusal_declare"),
    path("recusals/queue/", views.recusal_queue, name="recusal_queue"),
    path("recusals/<int:recusal_id>/", views.recusal_detail, name="recusal_detail"),
    path("recusals/<int:recusal_id>/confirm/", views.recusal_confirm, name="recusal_confirm"),
    path("recusals/<int:recusal_id>/reject/", views.recusal_reject, name="recusal_reject"),
    path("recusal-rules/", views.recusal_rules, name="recusal_rules"),
]
