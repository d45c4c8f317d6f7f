"""URLs of the democracy area, mounted at /vie-democratique/."""

from django.urls import URLPattern, path

from . import views

app_name = "democracy"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("votes/<uuid:pk>/", views.vote_detail, name="vote"),
    path("votes/<uuid:pk>/modifier/", views.ballot_change, name="ballot-change"),
    path("votes/<uuid:pk>/resultats/", views.vote_results, name="vote-results"),
    path("votes/<uuid:pk>/profils-de-merite.svg", views.vote_chart, name="vote-chart"),
    path("votes/<uuid:pk>/bulletins.csv", views.vote_ballots_csv, name="vote-ballots"),
    path("<slug:slug>/", views.event_detail, name="event"),
    path("<slug:slug>/inscription/", views.event_register, name="event-register"),
    path("<slug:slug>/feuille-de-route/", views.roadmap, name="roadmap"),
    path("<slug:slug>/ateliers/<str:code>/", views.workshop_detail, name="workshop"),
    path("<slug:slug>/propositions/<int:pk>/", views.proposal_detail, name="proposal"),
]
