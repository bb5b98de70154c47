"""Every model module, imported once so `Base.metadata` is complete for Alembic and for the mappers.

Each domain adds its `models` module to this list.
"""

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.cases import models as case_models
from app.staff import models as staff_models

__all__ = ["audit_models", "auth_models", "case_models", "staff_models"]
