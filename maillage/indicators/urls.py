from django.urls import path

from . import views
from .report import views as report_views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:version>/", views.catalogue, name="catalogue-version"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign-create"),
    path("campagnes/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campagnes/<int:pk>/clore/", views.campaign_close, name="campaign-close"),
    path("campagnes/<int:pk>/synchroniser/", views.campaign_sync, name="campaign-sync"),
    path("formulaires/<int:pk>/", views.form_detail, name="form-detail"),
    path("formulaires/<int:pk>/saisie/", views.form_edit, name="form-edit"),
    path("formulaires/<int:pk>/import/", views.form_import, name="form-import"),
    path("formulaires/<int:pk>/modele.<str:fmt>", views.form_template, name="form-template"),
    path("formulaires/<int:pk>/soumettre/", views.form_submit, name="form-submit"),
    path("formulaires/<int:pk>/revue/", views.form_review, name="form-review"),
    path("formulaires/<int:pk>/enquete/renouveler/", views.survey_rotate, name="survey-rotate"),
    path("campagnes/<int:pk>/rapport/", report_views.report_preview, name="report-preview"),
    path("campagnes/<int:pk>/rapport/publier/", report_views.report_publish, name="report-publish"),
    path("rapports/", report_views.report_list, name="report-list"),
    path("rapport/<slug:union>/<int:year>/", report_views.report_public, name="report"),
    path("rapport/<slug:union>/<int:year>/rapport.pdf", report_views.report_pdf, name="report-pdf"),
    path(
        "formulaires/<int:pk>/comparaison/",
        report_views.peer_comparison,
        name="peer-comparison",
    ),
    path("emplois/", report_views.jobs, name="jobs"),
    path("enquete/<str:token>/", views.survey, name="survey"),
    path("enquete/<str:token>/merci/", views.survey_thanks, name="survey-thanks"),
]
