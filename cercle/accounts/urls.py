from django.urls import path

from cercle.accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/autocomplete/", views.people_autocomplete, name="autocomplete"),
    path("people/mentions/", views.mention_suggestions, name="mentions"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("people/<int:pk>/org/", views.org_chart, name="org_chart"),
    path("people/<int:pk>/endorse/", views.skill_endorse, name="skill_endorse"),
    path("people/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("me/", views.me, name="me"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/tokens/", views.api_token_create, name="token_create"),
    path("settings/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
]
