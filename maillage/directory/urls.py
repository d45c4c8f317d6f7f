from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
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
]
