"""The one permissions table: which role may do what.

Routes declare a `Permission` with `require(...)`; nothing else grants access. Object-level scoping (which case)
lives in each domain's policies; this table answers only "may this role ever do this".
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    CASE_OFFICER = "case_officer"
    COORDINATOR = "coordinator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Permission(StrEnum):
    # staff administration and oversight
    USERS_MANAGE = "users:manage"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    REPORTS_READ = "reports:read"
    # hotline intake
    INQUIRY_CREATE = "inquiry:create"
    INQUIRY_READ = "inquiry:read"
    MAIL_READ = "mail:read"  # the email inbox: messages, their text, raw source and attachments
    MAIL_TRIAGE = "mail:triage"  # turn an email into an inquiry, file it in a case, or set it aside
    # case work
    CASE_READ = "case:read"  # status-level view, contact log
    CASE_READ_FULL = "case:read_full"  # internal notes, match details, restricted registry fields
    CASE_CONTACT_LOG = "case:contact_log"
    CASE_NOTE_INTERNAL = "case:note_internal"
    CASE_ACCESS_CODE = "case:access_code"  # (re)issue a family's portal access code
    CASE_TRANSITION = "case:transition"
    CASE_EDIT = "case:edit"  # the working summary of the sought person, priority, next review date
    CASE_OUTCOME_CONFIRM = "case:outcome_confirm"  # second signature on `deceased`
    CASE_ASSIGN = "case:assign"
    CASE_MERGE = "case:merge"
    CASE_CALL_TASK = "case:call_task"  # record that a call the family was promised was made
    CASE_DEATH_RELEASE = "case:death_release"  # let the portal tell a requester nobody could reach of a death
    # registry and lookup
    REGISTRY_READ = "registry:read"
    REGISTRY_READ_RESTRICTED = "registry:read_restricted"
    REGISTRY_LOOKUP = "registry:lookup"
    REGISTRY_IMPORT = "registry:import"
    MATCH_DECIDE = "match:decide"
    # handovers and reference data
    HANDOVER_READ = "handover:read"
    HANDOVER_MANAGE = "handover:manage"
    HANDOVER_APPROVE = "handover:approve"
    HANDOVER_TRAVELLER_DOCUMENTS = "handover:traveller_documents"  # identity documents of travellers
    REFERENCE_READ = "reference:read"
    REFERENCE_MANAGE = "reference:manage"
    REFERENCE_STATUS_EDIT = "reference:status_edit"  # crossing statuses, escort availability


P = Permission

_OPERATOR = {
    P.INQUIRY_CREATE,
    P.INQUIRY_READ,
    P.MAIL_READ,
    P.MAIL_TRIAGE,
    P.CASE_READ,
    P.CASE_CONTACT_LOG,
    P.CASE_CALL_TASK,
    P.CASE_ACCESS_CODE,
    P.REFERENCE_READ,
}
_CASE_OFFICER = _OPERATOR | {
    P.CASE_READ_FULL,
    P.CASE_NOTE_INTERNAL,
    P.CASE_TRANSITION,
    P.CASE_EDIT,
    P.CASE_OUTCOME_CONFIRM,
    P.REGISTRY_READ,
    P.REGISTRY_READ_RESTRICTED,
    P.REGISTRY_LOOKUP,
    P.MATCH_DECIDE,
}
_COORDINATOR = {
    P.CASE_READ,
    P.CASE_CALL_TASK,
    P.HANDOVER_READ,
    P.HANDOVER_MANAGE,
    P.HANDOVER_TRAVELLER_DOCUMENTS,
    P.REFERENCE_READ,
    P.REFERENCE_STATUS_EDIT,
}
_SUPERVISOR = (
    _CASE_OFFICER
    | _COORDINATOR
    | {
        P.CASE_ASSIGN,
        P.CASE_MERGE,
        P.CASE_DEATH_RELEASE,
        P.HANDOVER_APPROVE,
        P.REPORTS_READ,
        P.AUDIT_READ,
    }
)
_AUDITOR = {
    P.INQUIRY_READ,
    P.MAIL_READ,
    P.CASE_READ,
    P.CASE_READ_FULL,
    P.REGISTRY_READ,
    P.REGISTRY_READ_RESTRICTED,
    P.HANDOVER_READ,
    P.HANDOVER_TRAVELLER_DOCUMENTS,
    P.REFERENCE_READ,
    P.REPORTS_READ,
    P.AUDIT_READ,
    P.AUDIT_VERIFY,
}
_ADMIN = {
    P.USERS_MANAGE,
    P.REFERENCE_READ,
    P.REFERENCE_MANAGE,
    P.REFERENCE_STATUS_EDIT,
    P.REGISTRY_IMPORT,
    P.AUDIT_VERIFY,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(_OPERATOR),
    Role.CASE_OFFICER: frozenset(_CASE_OFFICER),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.AUDITOR: frozenset(_AUDITOR),
    Role.ADMIN: frozenset(_ADMIN),
}

# Permissions that only ever read. An auditor's set must stay inside it (checked by a test).
READ_ONLY = frozenset(
    {
        P.AUDIT_READ,
        P.AUDIT_VERIFY,
        P.REPORTS_READ,
        P.INQUIRY_READ,
        P.MAIL_READ,
        P.CASE_READ,
        P.CASE_READ_FULL,
        P.REGISTRY_READ,
        P.REGISTRY_READ_RESTRICTED,
        P.HANDOVER_READ,
        P.HANDOVER_TRAVELLER_DOCUMENTS,
        P.REFERENCE_READ,
    }
)


def permissions_for(roles: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        try:
            granted |= ROLE_PERMISSIONS[Role(role)]
        except ValueError:
            continue  # an unknown role grants nothing
    return frozenset(granted)
