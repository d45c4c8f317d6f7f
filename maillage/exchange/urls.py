"""Intercooperation URLs, mounted at /intercooperation/besoins/."""

from django.urls import path

from . import consortium_views as groups
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
    path("<int:pk>/groupements/ouvrir/", groups.consortium_create, name="consortium-create"),
    path("groupements/", groups.consortium_list, name="consortia"),
    path("groupements/<int:pk>/", groups.consortium_detail, name="consortium"),
    path("groupements/<int:pk>/forme/", groups.consortium_settings, name="consortium-settings"),
    path("groupements/<int:pk>/membres/ajouter/", groups.member_add, name="consortium-member-add"),
    path(
        "groupements/<int:pk>/membres/<int:mid>/modifier/",
        groups.member_update,
        name="consortium-member-update",
    ),
    path(
        "groupements/<int:pk>/membres/<int:mid>/retirer/",
        groups.member_remove,
        name="consortium-member-remove",
    ),
    path(
        "groupements/<int:pk>/membres/<int:mid>/mandataire/",
        groups.member_mandataire,
        name="consortium-mandataire",
    ),
    path(
        "groupements/<int:pk>/membres/<int:mid>/accepter/",
        groups.member_accept,
        name="consortium-accept",
    ),
    path("groupements/<int:pk>/constituer/", groups.consortium_form, name="consortium-form"),
    path("groupements/<int:pk>/etape/", groups.consortium_status, name="consortium-status"),
    path(
        "groupements/<int:pk>/liste/<int:item_id>/",
        groups.checklist_toggle,
        name="consortium-checklist-toggle",
    ),
    path(
        "groupements/<int:pk>/liste/ajouter/",
        groups.checklist_add,
        name="consortium-checklist-add",
    ),
    path("groupements/<int:pk>/commentaires/", groups.comment_add, name="consortium-comment"),
    path(
        "groupements/<int:pk>/documents/<str:kind>/",
        groups.document_preview,
        name="consortium-document",
    ),
    path(
        "groupements/<int:pk>/documents/<str:kind>/pdf/",
        groups.document_pdf,
        name="consortium-document-pdf",
    ),
    path(
        "groupements/<int:pk>/documents/<str:kind>/<int:mid>/",
        groups.document_preview,
        name="consortium-member-document",
    ),
    path(
        "groupements/<int:pk>/documents/<str:kind>/<int:mid>/pdf/",
        groups.document_pdf,
        name="consortium-member-document-pdf",
    ),
]
