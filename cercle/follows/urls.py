from django.urls import path

from cercle.follows import views

app_name = "follows"

urlpatterns = [
    path("people/<int:pk>/follow/", views.follow, name="follow"),
    path("people/<int:pk>/followers/", views.followers, name="followers"),
    path("people/<int:pk>/following/", views.following, name="following"),
    path("attention/", views.attention, name="attention"),
]
