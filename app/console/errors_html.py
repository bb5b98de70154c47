"""HTML error pages for the console (instead of problem+json), in the member of staff's language.

An ended session goes back to the sign-in page (remembering where it was going); htmx requests get `HX-Redirect` so
the whole page changes. Other errors get a short page saying what happened, with a way back.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.config import Settings
from app.console.labels import N_
from app.console.rendering import render, zone_label
from app.console.web import anonymous_language, clear_session_cookie, console_settings, headers, is_htmx, safe_next
from app.db import utcnow

MESSAGES: dict[int, tuple[str, str]] = {
    403: (N_("Not allowed"), N_("Your role does not allow this screen or action, or the form has expired.")),
    404: (N_("Not found"), N_("There is nothing here, or it is not in your scope.")),
    409: (N_("Not possible now"), N_("This cannot be done in the current state. Reload the page and check.")),
    412: (
        N_("Someone changed this while you were editing"),
        N_("Reload the page to see the current version, then try again."),
    ),
    422: (N_("Please check what you entered"), N_("Something you entered is not valid. Go back and correct it.")),
    429: (N_("Please wait a little"), N_("There have been too many attempts. Try again later.")),
    500: (N_("Something went wrong"), N_("Please try again. If it keeps happening, tell support the request number.")),
}
GENERIC = (N_("Something is not right"), N_("We could not handle this request. Go back and try again."))


def render_error(request: Request, status: int, code: str, extra_headers: dict[str, str]) -> Response:
    settings: Settings = request.app.state.settings
    if status == 401:
        target = "/staff?notice=expired&next=" + safe_next(request.url.path)
        if is_htmx(request):
            response: Response = Response(status_code=200, headers={"HX-Redirect": target})
        else:
            response = RedirectResponse(target, status_code=303)
        clear_session_cookie(response, settings)
        return headers(response, settings)
    language = getattr(request.state, "console_language", None) or anonymous_language(request)
    zone = console_settings(request).default_time_zone
    title, text = MESSAGES.get(status, GENERIC)
    kept = {k: v for k, v in extra_headers.items() if k.lower() == "retry-after"}
    body = render(
        "console/error.html",
        language,
        zone,
        staff=None,
        nav=[],
        active=None,
        csrf_token="",
        zone=zone_label(zone, language, utcnow()),
        current_path=safe_next(request.url.path),
        htmx=is_htmx(request),
        title=title,
        text=text,
        status_code=status,
    )
    return headers(HTMLResponse(body, status_code=status, headers=kept), settings)
