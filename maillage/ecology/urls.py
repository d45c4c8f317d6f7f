from django.urls import path

from . import views

app_name = "ecology"

urlpatterns = [
    path("", views.index, name="index"),
    path("grille/<str:version>/", views.grid_page, name="grid"),
    path("evaluations/nouvelle/", views.assessment_create, name="assessment-create"),
    path("evaluations/<int:pk>/", views.assessment_detail, name="assessment"),
    path(
        "evaluations/<int:pk>/justificatifs/<slug:criterion>/",
        views.assessment_evidence,
        name="assessment-evidence",
    ),
    path("evaluations/<int:pk>/soumettre/", views.assessment_submit, name="assessment-submit"),
    path("evaluations/<int:pk>/decision/", views.assessment_decide, name="assessment-decide"),
    path("simulateur-pret/", views.loan_simulator, name="loan"),
]
