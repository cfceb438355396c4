from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.matter_list, name="matter_list"),
    path("new/", views.matter_create, name="matter_create"),
    path("<int:matter_id>/", views.matter_detail, name="matter_detail"),
    path("<int:matter_id>/edit/", views.matter_edit, name="matter_edit"),
    path("<int:matter_id>/retire/", views.matter_retire, name="matter_retire"),
    path("<int:matter_id>/check-points/", views.matter_check_points, name="matter_check_points"),
    path("<int:matter_id>/form.pdf", views.matter_form_pdf, name="matter_form_pdf"),
    path("<int:matter_id>/propose/", views.proposal_create, name="proposal_change"),
    path("<int:matter_id>/propose-retire/", views.proposal_retire, name="proposal_retire"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:proposal_id>/accept/",
        views.proposal_decide,
        {"decision": "accept"},
        name="proposal_accept",
    ),
    path(
        "proposals/<int:proposal_id>/reject/",
        views.proposal_decide,
        {"decision": "reject"},
        name="proposal_reject",
    ),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/apply/", views.import_apply, name="import_apply"),
    path("imports/<int:import_id>/discard/", views.import_discard, name="import_discard"),
    path("public/", views.public_matter_list, name="public_matter_list"),
    path("public/<int:matter_id>/", views.public_matter_detail, name="public_matter_detail"),
]
