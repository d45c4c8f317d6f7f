from django.urls import path

from . import views

app_name = "purchases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:slug>/", views.organisation_purchases, name="organisation"),
    path("<slug:slug>/nouveau/", views.purchase_create, name="create"),
    path("<slug:slug>/import/", views.purchase_import, name="import"),
    path("<slug:slug>/import/erreurs.csv", views.import_errors, name="import-errors"),
    path("<slug:slug>/<int:pk>/supprimer/", views.purchase_delete, name="delete"),
]
