"""The event loop the bot runs on: uvloop where it is installed (Linux and macOS), which halves
the cost of sockets and task switches, else asyncio's own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a new event loop, as ``asyncio.run`` does."""
    try:
        import uvloop
    except ImportError:  # Windows, or a platform without a uvloop wheel
        return asyncio.run(main)
    return uvloop.run(main)
