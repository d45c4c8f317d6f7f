from django.urls import path

from . import views, views_map, views_moderation, views_pages, views_profile, views_search

app_name = "directory"

urlpatterns = [
    path("", views_search.search_page, name="index"),
    path("export.csv", views_search.export_csv, name="export_csv"),
    path("export.geojson", views_search.export_geojson, name="export_geojson"),
    path("organisations/<slug:slug>/", views.detail, name="detail"),
    path("organisations/<slug:slug>/rejoindre/", views.join, name="join"),
    path("organisations/<slug:slug>/membres/", views.members, name="members"),
    path("organisations/<slug:slug>/membres/inviter/", views.invite, name="invite"),
    path("organisations/<slug:slug>/membres/<int:pk>/role/", views.member_role, name="member_role"),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<slug:slug>/demandes/<int:pk>/decision/",
        views.join_decide,
        name="join_decide",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("carte/points/", views_map.clusters, name="map_clusters"),
    path("carte/integrer/", views_map.widget, name="widget"),
    # --- Pages: organisation page parts, editing, moderation, territory and sector pages
    path("organisations/<slug:slug>/contact/", views.contact, name="contact"),
    path("organisations/<slug:slug>/modifier/", views_profile.profile_edit, name="profile_edit"),
    path(
        "organisations/<slug:slug>/confirmer/",
        views_profile.profile_confirm,
        name="profile_confirm",
    ),
    path(
        "organisations/<slug:slug>/offres/ajouter/", views_profile.offer_create, name="offer_create"
    ),
    path("organisations/<slug:slug>/offres/<int:pk>/", views_profile.offer_edit, name="offer_edit"),
    path(
        "organisations/<slug:slug>/offres/<int:pk>/supprimer/",
        views_profile.offer_delete,
        name="offer_delete",
    ),
    path(
        "organisations/<slug:slug>/entrepreneurs/<slug:entrepreneur>/",
        views_profile.entrepreneur_edit,
        name="entrepreneur_edit",
    ),
    path("moderation/", views_moderation.queue, name="moderation"),
    path("moderation/<int:pk>/decision/", views_moderation.decide, name="moderation_decide"),
    path("territoires/<str:level>/<str:code>/", views_pages.territory, name="territory"),
    path("secteurs/<str:code>/", views_pages.sector, name="sector"),
]
