from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("open/", views.year_open, name="year_open"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:year>/", views.public_detail, name="public_detail"),
    path("public/<int:year>/plan.pdf", views.public_pdf, name="public_pdf"),
    path("public/<int:year>/plan.xlsx", views.public_xlsx, name="public_xlsx"),
    path("public/<int:year>/v<int:number>/", views.public_detail, name="public_version"),
    path("public/<int:year>/v<int:number>/plan.pdf", views.public_pdf, name="public_version_pdf"),
    path(
        "public/<int:year>/v<int:number>/plan.xlsx", views.public_xlsx, name="public_version_xlsx"
    ),
    path("peak-seasons/", views.peak_season_list_view, name="peak_season_list"),
    path("peak-seasons/new/", views.peak_season_create, name="peak_season_create"),
    path("peak-seasons/<int:season_id>/edit/", views.peak_season_edit, name="peak_season_edit"),
    path(
        "peak-seasons/<int:season_id>/delete/", views.peak_season_delete, name="peak_season_delete"
    ),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("merges/<int:proposal_id>/edit/", views.merge_edit, name="merge_edit"),
    path("merges/<int:proposal_id>/accept/", views.merge_accept, name="merge_accept"),
    path("merges/<int:proposal_id>/reject/", views.merge_reject, name="merge_reject"),
    path("<int:year>/", views.year_detail, name="year_detail"),
    path("<int:year>/items/new/", views.item_create, name="item_create"),
    path("<int:year>/items/estimate/", views.item_estimate, name="item_estimate"),
    path("<int:year>/submit/", views.department_submit, name="department_submit"),
    path(
        "<int:year>/departments/<int:department_id>/",
        views.submission_detail,
        name="submission_detail",
    ),
    path(
        "<int:year>/departments/<int:department_id>/return/",
        views.department_return,
        name="department_return",
    ),
    path("<int:year>/compilation/", views.compilation, name="compilation"),
    path("<int:year>/compile/", views.year_compile, name="year_compile"),
    path("<int:year>/merges/propose/", views.propose_merges, name="propose_merges"),
    path(
        "<int:year>/submit-for-approval/",
        views.year_submit_for_approval,
        name="year_submit_for_approval",
    ),
    path("<int:year>/approve/", views.year_approve, name="year_approve"),
    path("<int:year>/return/", views.year_return, name="year_return"),
    path("<int:year>/publish/", views.year_publish, name="year_publish"),
    path("<int:year>/adjust/", views.year_adjust, name="year_adjust"),
    path("<int:year>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:year>/versions/<int:number>/plan.pdf", views.version_pdf, name="version_pdf"),
    path("<int:year>/versions/<int:number>/plan.xlsx", views.version_xlsx, name="version_xlsx"),
]
