from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sources-et-licences/", views.notices, name="notices"),
    path("annuaire-et-carte/", views.area, {"slug": "annuaire"}, name="area-annuaire"),
    path(
        "intercooperation/", views.area, {"slug": "intercooperation"}, name="area-intercooperation"
    ),
    path("democratie/", views.area, {"slug": "democratie"}, name="area-democratie"),
    path("indicateurs/", views.area, {"slug": "indicateurs"}, name="area-indicateurs"),
    path("services/", views.area, {"slug": "services"}, name="area-services"),
]
