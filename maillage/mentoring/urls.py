"""URLs of sponsorship, mentoring and ambassadors, mounted at /parrainage/."""

from django.urls import URLPattern, path

from . import views

app_name = "mentoring"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("benevoles/", views.volunteer_list, name="volunteers"),
    path("benevoles/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path(
        "engagement/cooperative/<slug:slug>/",
        views.volunteer_organisation,
        name="volunteer-organisation",
    ),
    path("engagement/<str:kind_slug>/", views.volunteer_person, name="volunteer-person"),
    path("demande/<slug:slug>/", views.request_create, name="request-create"),
    path("demandes/<int:pk>/annuler/", views.request_cancel, name="request-cancel"),
    path("ambassadeurs/demande/", views.event_request, name="event-request"),
    path("ambassadeurs/merci/", views.event_thanks, name="event-thanks"),
    path("interventions/<int:pk>/", views.event_detail, name="event"),
    path("interventions/<int:pk>/decision/", views.event_decide, name="event-decide"),
    path("interventions/<int:pk>/intervention.ics", views.event_ics, name="event-ics"),
    path("agenda/", views.feed_page, name="feed-page"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
    path("union/<slug:slug>/", views.dashboard, name="dashboard"),
    path("union/<slug:slug>/appariement/", views.assignment, name="assignment"),
    path("appariements/<int:pk>/", views.run_detail, name="run"),
    path("appariements/<int:pk>/ajuster/", views.run_override, name="run-override"),
    path("appariements/<int:pk>/accepter/", views.run_accept, name="run-accept"),
    path("suivi/<int:pk>/", views.sponsorship_detail, name="sponsorship"),
    path("suivi/<int:pk>/note/", views.sponsorship_note, name="sponsorship-note"),
    path(
        "suivi/<int:pk>/etapes/<int:milestone_pk>/",
        views.sponsorship_milestone,
        name="sponsorship-milestone",
    ),
    path("suivi/<int:pk>/retour/", views.sponsorship_feedback, name="sponsorship-feedback"),
]
