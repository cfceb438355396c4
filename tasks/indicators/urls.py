from django.urls import path

from tasks.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicators_home, name="home"),
    path("<int:year>/", views.indicators_year, name="year"),
    path(
        "<int:year>/departments/<int:department_id>/",
        views.indicators_department,
        name="department",
    ),
    path("<int:year>/measures/<slug:key>/", views.indicator_detail, name="detail"),
    path("<int:year>/indicators.xlsx", views.indicators_export, name="export"),
    path("<int:year>/year-report.pdf", views.indicators_report, name="report"),
    path("<int:year>/targets/", views.indicator_targets, name="targets"),
    path("<int:year>/other-inspections/", views.other_inspections, name="other_inspections"),
]
