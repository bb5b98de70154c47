"""The staff console under `/staff`: server-rendered pages (Jinja2, Babel catalogs, vendored htmx) for operators,
case officers, supervisors, auditors and administrators.

A presentation layer only: handlers parse forms, call the same domain services as the JSON routers, and render.
One module per screen group; `router` gathers them. See `docs/console.md` for how to add a screen.
"""
