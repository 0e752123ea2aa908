from django.urls import path

from cercle.documents import views

app_name = "documents"

urlpatterns = [
    path("communities/<slug:slug>/documents/", views.library, name="library"),
    path("communities/<slug:slug>/documents/add/", views.upload, name="upload"),
    path("communities/<slug:slug>/documents/folders/", views.folder_create, name="folder_create"),
    path("documents/references/", views.references, name="references"),
    path("documents/pick/", views.pick, name="pick"),
    path("documents/folders/<int:folder_id>/", views.folder, name="folder"),
    path("documents/folders/<int:folder_id>/delete/", views.folder_delete, name="folder_delete"),
    path("documents/<int:document_id>/", views.detail, name="detail"),
    path("documents/<int:document_id>/versions/", views.new_version, name="new_version"),
    path(
        "documents/<int:document_id>/versions/<int:number>/restore/",
        views.restore,
        name="restore",
    ),
    path(
        "documents/<int:document_id>/v<int:number>/",
        views.download_version,
        name="download",
    ),
    path("documents/<int:document_id>/edit/", views.edit, name="edit"),
    path("documents/<int:document_id>/editing/", views.editing, name="editing"),
    path("documents/<int:document_id>/delete/", views.delete, name="delete"),
    path("documents/pages/<int:page_id>.jpg", views.page_image, name="page_image"),
]
