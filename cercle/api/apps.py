from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cercle.api"
    label = "api"
    verbose_name = "API"
