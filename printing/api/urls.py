from django.urls import path

from printing.api import views

urlpatterns = [
    path("", views.DocumentRequestApi.as_view(), name="document_request"),
    path("<int:document_id>/", views.DocumentDetailApi.as_view(), name="document_detail"),
    path("<int:document_id>/file/", views.DocumentFileApi.as_view(), name="document_file"),
]
