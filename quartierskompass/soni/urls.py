from django.urls import path

from quartierskompass.soni import views

app_name = "soni"
urlpatterns = [
    path("soni-modell/", views.model_page, name="model"),
]
