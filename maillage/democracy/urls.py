"""URLs of the democracy area, mounted at /vie-democratique/."""

from django.urls import URLPattern, path

from . import views, views_bodies, views_debates, views_elections

app_name = "democracy"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("votes/<uuid:pk>/", views.vote_detail, name="vote"),
    path("votes/<uuid:pk>/modifier/", views.ballot_change, name="ballot-change"),
    path("votes/<uuid:pk>/resultats/", views.vote_results, name="vote-results"),
    path("votes/<uuid:pk>/profils-de-merite.svg", views.vote_chart, name="vote-chart"),
    path("votes/<uuid:pk>/bulletins.csv", views.vote_ballots_csv, name="vote-ballots"),
    path("votes/<uuid:pk>/courrier/", views.letter_edit, name="letter-edit"),
    path("votes/<uuid:pk>/courrier.pdf", views.letter_download, name="letter"),
    # The movement's bodies: decisions by consent and elections without candidates.
    path("instances/", views_bodies.bodies_index, name="bodies"),
    path("instances/<slug:slug>/", views_bodies.body_detail, name="body"),
    path(
        "instances/<slug:slug>/decisions/nouvelle/",
        views_bodies.decision_create,
        name="decision-create",
    ),
    path(
        "instances/<slug:slug>/decisions/<int:pk>/",
        views_bodies.decision_detail,
        name="decision",
    ),
    path(
        "instances/<slug:slug>/decisions/<int:pk>/<slug:step>/",
        views_bodies.decision_act,
        name="decision-act",
    ),
    path(
        "instances/<slug:slug>/elections/nouvelle/",
        views_elections.election_create,
        name="election-create",
    ),
    path(
        "instances/<slug:slug>/elections/<int:pk>/",
        views_elections.election_detail,
        name="election",
    ),
    path(
        "instances/<slug:slug>/elections/<int:pk>/<slug:step>/",
        views_elections.election_act,
        name="election-act",
    ),
    # Exchanges of governance practices.
    path("echanges/", views_debates.debates_index, name="debates"),
    path("echanges/signalements/", views_debates.reports_queue, name="debate-reports"),
    path("echanges/fils/<int:pk>/", views_debates.thread_detail, name="thread"),
    path("echanges/fils/<int:pk>/repondre/", views_debates.thread_reply, name="thread-reply"),
    path("echanges/fils/<int:pk>/moderer/", views_debates.thread_moderate, name="thread-moderate"),
    path("echanges/messages/<int:pk>/signaler/", views_debates.post_report, name="post-report"),
    path("echanges/messages/<int:pk>/moderer/", views_debates.post_moderate, name="post-moderate"),
    path("echanges/<slug:slug>/", views_debates.theme_detail, name="debate-theme"),
    path("<slug:slug>/", views.event_detail, name="event"),
    path("<slug:slug>/inscription/", views.event_register, name="event-register"),
    path("<slug:slug>/feuille-de-route/", views.roadmap, name="roadmap"),
    path("<slug:slug>/ateliers/<str:code>/", views.workshop_detail, name="workshop"),
    path("<slug:slug>/propositions/<int:pk>/", views.proposal_detail, name="proposal"),
]
