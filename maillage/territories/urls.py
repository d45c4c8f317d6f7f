from django.urls import path
from django.views.generic import TemplateView

app_name = "territories"

urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="index"),
    path("recherche/", TemplateView.as_view(template_name="base.html"), name="search"),
    path("autocompletion/", TemplateView.as_view(template_name="base.html"), name="autocomplete"),
]
