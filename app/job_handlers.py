"""Every module that registers a job handler, imported once so workers know every job kind.

Each domain that enqueues jobs keeps its handlers in `<domain>/jobs.py` and adds that module here.
"""

from app.mailbox import acknowledge as mailbox_acknowledge
from app.matches import jobs as match_jobs
from app.notifications import jobs as notification_jobs
from app.portal import emails as portal_emails
from app.registry import jobs as registry_jobs

__all__ = ["mailbox_acknowledge", "match_jobs", "notification_jobs", "portal_emails", "registry_jobs"]
