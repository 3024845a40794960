from django.urls import path  # noqa: F401 - routes are added below by each page module

app_name = "areas"
urlpatterns = []
