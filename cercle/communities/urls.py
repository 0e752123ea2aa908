from django.urls import path

from cercle.communities import views

app_name = "communities"

urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.create, name="create"),
    path(
        "communities/invitations/<int:invitation_id>/decline/",
        views.decline_invitation,
        name="decline_invitation",
    ),
    path("communities/<slug:slug>/", views.detail, name="detail"),
    path("communities/<slug:slug>/members/", views.members, name="members"),
    path("communities/<slug:slug>/settings/", views.settings_view, name="settings"),
    path("communities/<slug:slug>/join/", views.join, name="join"),
    path("communities/<slug:slug>/request/", views.request_to_join, name="request"),
    path("communities/<slug:slug>/leave/", views.leave, name="leave"),
    path("communities/<slug:slug>/invite/", views.invite, name="invite"),
    path("communities/<slug:slug>/archive/", views.archive, name="archive"),
    path(
        "communities/<slug:slug>/requests/<int:request_id>/",
        views.decide_request,
        name="decide_request",
    ),
    path(
        "communities/<slug:slug>/members/<int:user_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("communities/<slug:slug>/members/<int:user_id>/role/", views.set_role, name="set_role"),
]
