from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("autocompletion/", views.autocomplete, name="autocomplete"),
    path("region/<str:code>/", views.region_detail, name="region"),
    path("union/<slug:slug>/", views.union_detail, name="union"),
    path("departement/<str:code>/", views.departement_detail, name="departement"),
    path("epci/<str:siren>/", views.epci_detail, name="epci"),
    path("commune/<str:code>/", views.commune_detail, name="commune"),
]
