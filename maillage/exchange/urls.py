"""Intercooperation URLs, mounted at /intercooperation/besoins/."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.need_list, name="mine"),
    path("nouveau/", views.need_create, name="create"),
    path("a-valider/", views.moderation, name="moderation"),
    path("recus/", views.received, name="received"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/supprimer/", views.alert_delete, name="alert-delete"),
    path("reponse/<str:token>/", views.answer, name="answer"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/modifier/", views.need_edit, name="edit"),
    path("<int:pk>/lots/ajouter/", views.lot_add, name="lot-add"),
    path("<int:pk>/lots/<int:number>/supprimer/", views.lot_remove, name="lot-remove"),
    path("<int:pk>/soumettre/", views.need_submit, name="submit"),
    path("<int:pk>/valider/", views.need_validate, name="validate"),
    path("<int:pk>/refuser/", views.need_reject, name="reject"),
    path("<int:pk>/envoyer/", views.need_send, name="send"),
    path("<int:pk>/clore/", views.need_close, name="close"),
    path("<int:pk>/fournisseurs/ajouter/", views.supplier_add, name="supplier-add"),
    path("<int:pk>/fournisseurs/<int:sid>/retirer/", views.supplier_remove, name="supplier-remove"),
]
