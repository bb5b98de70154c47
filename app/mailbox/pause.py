"""Waiting that a stop request cuts short (pollers must end promptly when the worker stops)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def pause(seconds: float, stop: Callable[[], bool]) -> None:
    event = threading.Event()
    waited = 0.0
    while waited < seconds and not stop():
        step = min(0.2, seconds - waited)
        event.wait(step)
        waited += step
