"""Mounted at "deadlines/" inside the "publication" namespace (see publication/urls.py)."""

from django.urls import path

from publication.deadlines import views

urlpatterns = [
    path("", views.deadline_list, name="deadline_list"),
    path("rules/", views.deadline_rules, name="deadline_rules"),
]
