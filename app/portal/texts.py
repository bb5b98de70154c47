"""What the portal says about each case state, in plain and kind words (English source; `portal` catalog).

The family sees the confirmed picture only: `match_proposed` reads as searching (a candidate is not news until an
officer confirms it), and `deceased` exists only once a second person confirmed it. `family_informed`, the handover
states and `closed` are read through the confirmed outcome.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class StatusText:
    headline: str
    explanation: tuple[str, ...]
    next_steps: tuple[str, ...]


STATUS_TEXTS: dict[str, StatusText] = {
    "received": StatusText(
        N_("We have received your inquiry"),
        (N_("Your inquiry is registered. A staff member will begin the search in the official lists soon."),),
        (N_("You do not need to do anything now. When there is news, we will write here and contact you."),),
    ),
    "searching": StatusText(
        N_("We are searching the lists"),
        (
            N_(
                "We are checking the official lists of prisoners of war and of the dead against the information "
                "you gave us."
            ),
        ),
        (
            N_("This can take time. As soon as we learn something, a staff member will contact you."),
            N_("If you remember anything new about him, send us a message below: it helps the search."),
        ),
    ),
    "in_captivity": StatusText(
        N_("He is held as a prisoner of war. He is alive."),
        (
            N_("His name is on the official list of prisoners of war: he is alive and held in captivity."),
            N_("For his safety, we cannot say where he is held."),
        ),
        (
            N_("We will tell you about any change, including an exchange or a release."),
            N_("If you have questions, call us or send a message below."),
        ),
    ),
    "released": StatusText(
        N_("He has been released"),
        (N_("He is no longer held in captivity."),),
        (N_("A staff member will contact you about how he will return to the family."),),
    ),
    "not_found": StatusText(
        N_("We have not found him in the lists so far"),
        (
            N_(
                "His name is not in the official lists we have checked so far. This does not mean that something "
                "has happened to him."
            ),
        ),
        (
            N_("New lists arrive regularly and we check each of them for him. We will contact you when we find him."),
            N_("If you learn anything new, for example his unit or when you last heard from him, send us a message."),
        ),
    ),
    "deceased": StatusText(
        N_("We are deeply sorry"),
        (
            N_("According to the official records that we have checked, he has died."),
            N_("We know how hard this news is. You do not have to go through it alone."),
        ),
        (N_("We will help you with everything that follows, including the return of his remains where possible."),),
    ),
    "important_news": StatusText(
        N_("We have important news about your case"),
        (N_("Please call us on {phone} ({hours}), or we will call you."),),
        (
            N_("A staff member wants to speak with you in person. If we cannot reach you, we will try again."),
            N_("If you prefer a particular time or number, write it to us below and we will call you then."),
        ),
    ),
    "handover_planned": StatusText(
        N_("His return to the family is being arranged"),
        (N_("We are preparing his handover to the family."),),
        (N_("When the plan is confirmed, the travel instructions appear on this page. A staff member will call you."),),
    ),
    "handover_done": StatusText(
        N_("He has been handed over to his family"),
        (N_("The handover has taken place."),),
        (N_("If you need anything more from us, call us or send a message below."),),
    ),
    "closed": StatusText(
        N_("This case is closed"),
        (N_("We have finished our work on this case."),),
        (N_("If you have new information, contact us and we will look again."),),
    ),
}

REMAINS_PLANNED = N_("We are arranging the return of his remains to the family.")
REMAINS_DONE = N_("His remains have been returned to the family.")
AFTER_REMAINS_RETURNED = N_("We are here for you for anything that follows. Call us or write to us whenever you need.")
CASE_CLOSED_NOTE = N_("This case is now closed. If you have new information, contact us and we will look again.")
TOLD_BY_PHONE = N_("A staff member told you this by phone on {date}.")
TOLD_IN_PERSON = N_("A staff member told you this in person on {date}.")
RELEASED = N_(
    "We tried to reach you by phone on {dates}, but could not get through. We are sorry that you have to read "
    "this here instead of hearing it from us."
)
TRAVEL_CHANGED = N_("Your travel plan has changed. Do not travel until we call you.")
TRAVEL_CHANGED_ON_THE_WAY = N_("If you are already on your way, call us now:")
TRAVEL_WAIT_FOR_CALL = N_("A staff member will call you to explain what has changed and what happens next.")
TRAVEL_PLAN_BELOW = N_("Your travel instructions are below. A staff member will call you before the journey.")
