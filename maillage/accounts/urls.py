from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.signup, name="signup"),
    path("profil/", views.profile, name="profile"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "invitations/<int:pk>/accepter/",
        views.invitation_accept_from_profile,
        name="invitation_accept",
    ),
    path("organisations/<int:pk>/quitter/", views.membership_leave, name="membership_leave"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export/", views.my_data_export, name="my_data_export"),
    path("mes-donnees/supprimer/", views.account_delete, name="account_delete"),
    path("journal/", views.audit_log, name="audit_log"),
]
