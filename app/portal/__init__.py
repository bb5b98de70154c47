"""The family portal: a family follows its one case, in its own language, without ever seeing anyone else's data.

`access` issues and checks access codes, `sessions` keeps the server-side sign-in sessions, `throttle` slows guessing,
`views` builds the family-safe picture of a case, `router_pages` serves the HTML pages, `router_api` the JSON API.
"""
