"""Words staff read for the domain's codes (states, outcomes, channels, relationships, priorities, timeline entries),
English source in the `console` catalog. Templates call `label(kind, code)`; an unknown code shows as it is."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


STATES = {
    "open": N_("Open"),
    "searching": N_("Searching"),
    "match_proposed": N_("Match proposed"),
    "in_captivity": N_("In captivity"),
    "deceased": N_("Deceased"),
    "released": N_("Released"),
    "not_found": N_("Not found"),
    "family_informed": N_("Family informed"),
    "handover_planned": N_("Handover planned"),
    "handover_done": N_("Handover done"),
    "closed": N_("Closed"),
}

# What the button that moves a case into each state says.
TRANSITIONS = {
    "searching": N_("Start searching"),
    "match_proposed": N_("Propose a match"),
    "in_captivity": N_("Record: in captivity"),
    "deceased": N_("Propose: deceased"),
    "released": N_("Record: released"),
    "not_found": N_("Record: not found"),
    "family_informed": N_("Family informed"),
    "handover_planned": N_("Plan a handover"),
    "handover_done": N_("Handover done"),
    "closed": N_("Close the case"),
}

CHANNELS = {
    "phone": N_("Phone"),
    "email": N_("Email"),
    "web": N_("Online form"),
    "walk_in": N_("In person"),
    "portal": N_("Portal"),
    "letter": N_("Letter"),
}

RELATIONSHIPS = {
    "mother": N_("Mother"),
    "father": N_("Father"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner"),
    "sibling": N_("Brother or sister"),
    "child": N_("Son or daughter"),
    "other_relative": N_("Other relative"),
    "other": N_("Other"),
}

PRIORITIES = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}

LANGUAGES = {"ru": N_("Russian"), "uk": N_("Ukrainian"), "en": N_("English")}

ROLES = {
    "operator": N_("Operator"),
    "case_officer": N_("Case officer"),
    "coordinator": N_("Coordinator"),
    "supervisor": N_("Supervisor"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}

DIRECTIONS = {"inbound": N_("From the family"), "outbound": N_("To the family")}

EVENTS = {
    "opened": N_("Case opened"),
    "transitioned": N_("State changed"),
    "outcome_proposed": N_("Outcome proposed"),
    "outcome_confirmed": N_("Outcome confirmed"),
    "outcome_rejected": N_("Proposal rejected"),
    "outcome_withdrawn": N_("Proposal withdrawn"),
    "assigned": N_("Assigned"),
    "unassigned": N_("Returned to the queue"),
    "inquiry_received": N_("Inquiry received"),
    "inquiry_attached": N_("Inquiry attached"),
    "inquiry_detached": N_("Inquiry detached"),
    "merged": N_("Merged"),
    "merged_into": N_("Merged into another case"),
    "updated": N_("Details edited"),
    "contact_logged": N_("Contact logged"),
    "note_added": N_("Note added"),
    "access_code_issued": N_("Access code issued"),
    "case_merged_in": N_("Another case merged into this one"),
    "matches_proposed": N_("Registry candidates found"),
    "match_proposed": N_("Registry match proposed"),
    "match_confirmed": N_("Registry match confirmed"),
    "match_rejected": N_("Registry match rejected"),
    "family_message": N_("Message from the family"),
    "handover_requested": N_("Handover requested"),
    "handover_approved": N_("Handover approved"),
    "handover_scheduled": N_("Handover scheduled"),
    "handover_in_transit": N_("Family travelling to the handover"),
    "handover_at_border": N_("Family at the border"),
    "handover_completed": N_("Handover completed"),
    "handover_cancelled": N_("Handover cancelled"),
    "handover_failed": N_("Handover failed"),
    "handover_rescheduled": N_("Handover rescheduled"),
    "handover_flagged": N_("Handover needs attention"),
}

DUPLICATE_REASONS = {
    "same_service_number": N_("Same service number"),
    "same_name_and_birth_date": N_("Same name and date of birth"),
    "similar_name": N_("Similar name"),
}

CONSENT_SCRIPT = N_(
    "Before we go on: we will store what you tell us, only to search for your relative and to keep you informed. "
    "Do you agree that we store it? May we call you back on this number? May we write to you by email?"
)

STRENGTHS = {"strong": N_("strong match"), "possible": N_("possible match"), "weak": N_("weak match")}

MATCH_STATUSES = {"proposed": N_("proposed"), "confirmed": N_("confirmed"), "rejected": N_("rejected")}

KINDS = {
    "strength": STRENGTHS,
    "match": MATCH_STATUSES,
    "duplicate": DUPLICATE_REASONS,
    "state": STATES,
    "transition": TRANSITIONS,
    "channel": CHANNELS,
    "relationship": RELATIONSHIPS,
    "priority": PRIORITIES,
    "language": LANGUAGES,
    "role": ROLES,
    "direction": DIRECTIONS,
    "event": EVENTS,
}


def source_label(kind: str, code: str | None) -> str:
    """The English source text for a code (translate it with the page's `_`)."""
    if code is None:
        return ""
    return KINDS.get(kind, {}).get(code, code)
