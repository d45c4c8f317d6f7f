"""URLs of conventions drawn by lot, mounted at /vie-democratique/tirage-au-sort/."""

from django.urls import URLPattern, path

from . import organiser_views, views

app_name = "sortition"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("nouvelle/", views.convention_create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/volontariat/", views.volunteer, name="volunteer"),
    path("<slug:slug>/ma-participation/<str:token>/", views.mine, name="mine"),
    path("<slug:slug>/probabilites/", views.published_probabilities, name="probabilities"),
    path("<slug:slug>/loterie.json", views.lottery_file, name="lottery-file"),
    path("<slug:slug>/verifier/", views.verify, name="verify"),
    path("<slug:slug>/organisation/", organiser_views.manage, name="manage"),
    path("<slug:slug>/organisation/vivier/", organiser_views.pool, name="pool"),
    path("<slug:slug>/organisation/quotas/", organiser_views.quotas, name="quotas"),
    path("<slug:slug>/organisation/calcul/", organiser_views.run_request, name="run-request"),
    path("<slug:slug>/organisation/calculs/<int:pk>/", organiser_views.run_detail, name="run"),
    path(
        "<slug:slug>/organisation/calculs/<int:pk>.json",
        organiser_views.run_record,
        name="run-record",
    ),
    path("<slug:slug>/organisation/publier/", organiser_views.publish, name="publish"),
    path("<slug:slug>/organisation/annonce/", organiser_views.announce, name="announce"),
    path("<slug:slug>/organisation/tirage/", organiser_views.draw, name="draw"),
    path("<slug:slug>/organisation/declinaisons/", organiser_views.declines, name="declines"),
]
