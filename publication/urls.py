from django.urls import include, path

from publication import views
from publication.site import views as site

app_name = "publication"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify-audit/", views.audit_anchor, name="audit_anchor"),
    path("calendar/", include("publication.calendar.urls")),
    path("deadlines/", include("publication.deadlines.urls")),
    # The public site (no account needed).
    path("public/tasks/", site.task_index, name="task_index"),
    path("public/tasks/<str:code>/", site.task_detail, name="task_detail"),
    path("public/results/", site.result_list, name="result_list"),
    path("public/results/<int:result_id>/", site.result_detail, name="result_detail"),
    path(
        "public/results/<int:result_id>/objection/",
        site.objection_create,
        name="objection_create",
    ),
    path("public/objections/<str:reference>/", site.objection_status, name="objection_status"),
    path("public/search/", site.search, name="search"),
    path("public/enterprises/<str:credit_code>/", site.enterprise, name="enterprise"),
    path("public/verify/", site.how_to_verify, name="how_to_verify"),
    path("public/verify/ssj_verify.py", site.verifier_script, name="verifier_script"),
    path("public/open-data/", site.open_data, name="open_data"),
    path(
        "public/open-data/<int:year>/<str:dataset>.<str:fmt>",
        site.open_data_file,
        name="open_data_file",
    ),
    path("public/feed.atom", site.publication_feed, name="feed"),
    path("sitemap.xml", site.sitemap, name="sitemap"),
    # Staff: the publication desk.
    path("publication/", site.manage, name="manage"),
    path(
        "publication/draws/<int:draw_id>/publish/",
        site.drawn_list_publish_view,
        name="drawn_list_publish",
    ),
    path(
        "publication/objections/<int:objection_id>/", site.objection_detail, name="objection_detail"
    ),
    path(
        "publication/objection-files/<int:attachment_id>/",
        site.objection_attachment,
        name="objection_attachment",
    ),
]
