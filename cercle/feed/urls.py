from django.urls import path

from cercle.feed import views

app_name = "feed"

urlpatterns = [
    path("feed/page/", views.page, name="page"),
    path("feed/new/", views.new_count, name="new_count"),
    path("feed/aside/", views.aside, name="aside"),
]
