from django.urls import path

from cercle.posts import views

app_name = "posts"

urlpatterns = [
    path("posts/new/", views.post_create, name="create"),
    path("posts/<int:post_id>/", views.post_detail, name="detail"),
    path("posts/<int:post_id>/comments/", views.comments_fragment, name="comments"),
    path("posts/<int:post_id>/comments/new/", views.comment_create, name="comment_create"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="delete"),
    path("posts/<int:post_id>/pin/", views.post_pin, name="pin"),
    path("posts/<int:post_id>/share/", views.post_share, name="share"),
    path("posts/<int:post_id>/hide/", views.post_hide, name="hide"),
    path("posts/<int:post_id>/restore/", views.post_restore, name="restore"),
    path("posts/<int:post_id>/move/", views.post_move, name="move"),
    path("posts/<int:post_id>/react/", views.react, name="react"),
    path("posts/<int:post_id>/reactions/<str:emoji>/", views.reactors, name="reactors"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("files/<int:attachment_id>/thumbnail.webp", views.attachment_thumbnail, name="thumbnail"),
    path("files/<int:attachment_id>/<str:name>", views.attachment_download, name="attachment"),
    path("tags/<str:key>/", views.hashtag, name="hashtag"),
    path("tags/<str:key>/follow/", views.hashtag_follow, name="hashtag_follow"),
    path("stream/", views.stream_page, name="stream"),
]
