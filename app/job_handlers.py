"""Every module that registers a job handler, imported once so workers know every job kind.

Each domain that enqueues jobs keeps its handlers in `<domain>/jobs.py` and adds that module here.
"""

__all__: list[str] = []
