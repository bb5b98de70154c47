"""The one role table: what each role may do (permissions) and which cases it sees (scopes). A new role is one row.

Authorization lives in two places and reads only this table: the route guard (`require(Permission.X)`, via
`permissions_for`) and the scoped case query (`app.cases.policies.case_scope`, via `case_scopes_for`). Restricted
registry fields and travellers' identity documents are permissions too, each read by one policy function
(`app.registry.policies`, `app.handovers.documents`). Role names are plain strings: a user's roles are looked up
here, and a name without a row grants nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


class CaseScope(StrEnum):
    """Which cases a role sees (the union over a user's roles); everything else is simply not found (404)."""

    ALL = "all"
    ASSIGNED_TO_THEM = "assigned_to_them"
    UNASSIGNED = "unassigned"
    AWAITING_SECOND_SIGNATURE = "awaiting_second_signature"
    """So a colleague can give the second signature on a `deceased` proposal."""
    IN_HANDOVER = "in_handover"
    """Cases in `handover_planned` or `handover_done`."""


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One row of the role table."""

    permissions: frozenset[Permission]
    case_scopes: frozenset[CaseScope] = frozenset()
    takes_cases: bool = False
    """Cases may be assigned to holders of this role."""


S = CaseScope
ROLES: dict[str, RoleGrant] = {
    Role.OPERATOR: RoleGrant(frozenset(_OPERATOR), frozenset({S.ALL})),
    Role.CASE_OFFICER: RoleGrant(
        frozenset(_CASE_OFFICER),
        frozenset({S.ASSIGNED_TO_THEM, S.UNASSIGNED, S.AWAITING_SECOND_SIGNATURE}),
        takes_cases=True,
    ),
    Role.COORDINATOR: RoleGrant(frozenset(_COORDINATOR), frozenset({S.IN_HANDOVER})),
    Role.SUPERVISOR: RoleGrant(frozenset(_SUPERVISOR), frozenset({S.ALL}), takes_cases=True),
    Role.AUDITOR: RoleGrant(frozenset(_AUDITOR), frozenset({S.ALL})),
    Role.ADMIN: RoleGrant(frozenset(_ADMIN)),
}
"""The role table. Keys are role names as stored on users (`Role` names the built-in ones)."""

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


def _grants(roles: Iterable[str]) -> list[RoleGrant]:
    return [ROLES[role] for role in roles if role in ROLES]  # an unknown role grants nothing


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    return frozenset(p for grant in _grants(roles) for p in grant.permissions)


def case_scopes_for(roles: Iterable[str]) -> frozenset[CaseScope]:
    return frozenset(s for grant in _grants(roles) for s in grant.case_scopes)


def takes_cases(roles: Iterable[str]) -> bool:
    return any(grant.takes_cases for grant in _grants(roles))
