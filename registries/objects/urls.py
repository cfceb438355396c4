from django.urls import path

from registries.objects import views

urlpatterns = [
    path("objects/", views.object_list, name="object_list"),
    path("objects/new/", views.object_create_page, name="object_create"),
    path("objects/claim/", views.object_claim_page, name="object_claim"),
    path("objects/disputes/", views.claim_dispute_list, name="claim_disputes"),
    path(
        "objects/disputes/<int:supervision_id>/resolve/",
        views.claim_resolve_page,
        name="claim_resolve",
    ),
    path("objects/<int:object_id>/", views.object_detail_page, name="object_detail"),
    path("objects/<int:object_id>/edit/", views.object_edit_page, name="object_edit"),
    path("objects/<int:object_id>/flags/set/", views.object_flag_set_page, name="object_flag_set"),
    path(
        "objects/<int:object_id>/flags/clear/",
        views.object_flag_clear_page,
        name="object_flag_clear",
    ),
    path("objects/<int:object_id>/release/", views.object_release_page, name="object_release"),
]
