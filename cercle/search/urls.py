from django.urls import path

from cercle.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path(
        "search/suggest/conversations/",
        views.suggest_conversations,
        name="suggest_conversations",
    ),
    path("experts/", views.experts, name="experts"),
    path("experts/me/", views.my_expertise, name="my_expertise"),
]
