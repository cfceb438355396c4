from django.urls import path

from printing import views

app_name = "printing"

urlpatterns = [
    path("<int:document_id>/status/", views.document_status, name="document_status"),
    path("<int:document_id>/file/", views.document_file, name="document_file"),
]
