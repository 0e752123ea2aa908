from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cercle.accounts.auth_views import LoginView, PasswordChangeView, PasswordResetConfirmView
from cercle.accounts.views import protected_media
from cercle.api.api import api
from cercle.feed import views as feed_views
from cercle.ops import views as ops_views

auth_patterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", feed_views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include(auth_patterns)),
    path("", include("cercle.accounts.urls")),
    path("", include("cercle.communities.urls")),
    path("", include("cercle.follows.urls")),
    path("", include("cercle.posts.urls")),
    path("", include("cercle.documents.urls")),
    path("", include("cercle.search.urls")),
    path("", include("cercle.notifications.urls")),
    path("", include("cercle.feed.urls")),
    path("api/v1/", api.urls),
    path("media/<path:path>", protected_media, name="media"),
    path("admin/", admin.site.urls),
]

handler400 = "cercle.core.views.bad_request"
handler500 = "cercle.core.views.server_error"
