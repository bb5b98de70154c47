"""HTML error pages for the portal (instead of problem+json), in the visitor's language.

An ended or missing session sends the visitor back to the sign-in page; everything else gets a short, kind page
that says what happened and what to do, with the contact channels.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.config import Settings
from app.portal.rendering import render
from app.portal.texts import N_
from app.portal.web import clear_session_cookie, language_of, portal_settings, safe_next, security_headers

MESSAGES: dict[int, tuple[str, str]] = {
    403: (
        N_("This form has expired"),
        N_("For your safety, forms on this site work only for a limited time. Go back, reload the page and try again."),
    ),
    404: (N_("Page not found"), N_("There is nothing at this address. Check the address or go to the start page.")),
    429: (N_("Please wait a little"), N_("There have been too many attempts. Please try again later, or call us.")),
    500: (
        N_("Something went wrong on our side"),
        N_("We are sorry. Please try again in a few minutes. If it keeps happening, call us."),
    ),
}
MESSAGES[503] = MESSAGES[500]  # the database is briefly unreachable: the same "try again in a few minutes"
GENERIC = (N_("Something is not right"), N_("We could not handle this request. Go back and try again."))


def render_error(request: Request, status: int, code: str, headers: dict[str, str]) -> Response:
    settings: Settings = request.app.state.settings
    if status == 401:
        response: Response = RedirectResponse("/portal", status_code=303)
        clear_session_cookie(response, settings)
        return security_headers(response, settings)
    title, text = MESSAGES.get(status, GENERIC)
    kept = {k: v for k, v in headers.items() if k.lower() == "retry-after"}
    body = render(
        "portal/error.html",
        language_of(request),
        title=title,
        text=text,
        status_code=status,
        current_path=safe_next(request.url.path),
        portal=portal_settings(request),
        signed_in=False,
        csrf_token="",
    )
    return security_headers(HTMLResponse(body, status_code=status, headers=kept), settings)
