"""URLs of the sectors app, mounted under /secteurs/."""

from django.urls import path

from . import views

app_name = "sectors"

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("<str:nomenclature>/<str:code>/", views.detail, name="detail"),
]
