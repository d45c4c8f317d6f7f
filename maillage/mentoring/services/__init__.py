"""Writes of the mentoring area, one module per step of the sponsorship's life:

- ``volunteers``: cooperatives volunteer as sponsors, people as mentors or ambassadors;
- ``mentoring_requests``: a cooperative asks for a sponsor or a mentor;
- ``events``: a school, an authority or a delegate asks for an ambassador;
- ``runs``: the assignment of all open requests at once, the delegate's overrides, acceptance;
- ``follow_up``: milestones, shared notes, closing feedback;
- ``calendar_feeds`` and ``reminders``: iCal tokens and e-mail reminders;
- ``demo``: the demo network's mentoring data.

Each service is atomic, takes keyword-only arguments and raises ``MentoringError`` with a
French message for the person when a rule refuses the action. Permissions are decided by
``perms.py`` in the views, before a service is called.
"""

from ..models import AmbassadorEvent, MentoringRequest, Volunteer
from .calendar_feeds import calendar_feed_reset, calendar_feed_token, calendar_feed_user
from .common import MentoringError, organisation_contacts, volunteer_contacts
from .demo import DEMO_DOMAIN, demo_mentoring_create
from .events import event_create, event_set_status, event_url, event_validate
from .follow_up import feedback_give, milestone_log, note_add
from .mentoring_requests import request_cancel, request_create
from .reminders import ReminderStats, reminders_send
from .runs import Acceptance, assignment_compute, run_accept, run_create, run_override
from .volunteers import volunteer_save

__all__ = [
    "DEMO_DOMAIN",
    "Acceptance",
    "AmbassadorEvent",
    "MentoringError",
    "MentoringRequest",
    "ReminderStats",
    "Volunteer",
    "assignment_compute",
    "calendar_feed_reset",
    "calendar_feed_token",
    "calendar_feed_user",
    "demo_mentoring_create",
    "event_create",
    "event_set_status",
    "event_url",
    "event_validate",
    "feedback_give",
    "milestone_log",
    "note_add",
    "organisation_contacts",
    "reminders_send",
    "request_cancel",
    "request_create",
    "run_accept",
    "run_create",
    "run_override",
    "volunteer_contacts",
    "volunteer_save",
]
