"""Every model module, imported once so `Base.metadata` is complete for Alembic and for the mappers.

Each domain adds its `models` module to this list.
"""

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.cases import family_messages as family_message_models
from app.cases import models as case_models
from app.console import models as console_models
from app.family_access import models as family_access_models
from app.handovers import models as handover_models
from app.idempotency import models as idempotency_models
from app.inquiries import models as inquiry_models
from app.jobs import models as job_models
from app.mailbox import models as mailbox_models
from app.matches import models as match_models
from app.portal import models as portal_models
from app.reference import models as reference_models
from app.registry import models as registry_models
from app.staff import models as staff_models

__all__ = [
    "audit_models",
    "auth_models",
    "case_models",
    "console_models",
    "family_access_models",
    "family_message_models",
    "handover_models",
    "idempotency_models",
    "inquiry_models",
    "job_models",
    "mailbox_models",
    "match_models",
    "portal_models",
    "reference_models",
    "registry_models",
    "staff_models",
]
