from django.urls import path  # noqa: F401 - each page module appends its routes below

app_name = "finder"
urlpatterns = []
