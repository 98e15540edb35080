"""Start-up without the cyclic garbage collector.

Building the skill (importing the SDK and this package, reading the content) creates tens of
thousands of objects that live as long as the process, and almost no garbage. The cyclic
collector does not know that: it runs every few hundred new objects and, as the heap grows,
keeps walking all of them (measured: about 40 collections, 11 ms of a Lambda cold start).
`long_lived()` switches it off for the start-up, then moves everything made so far into the
permanent generation (`gc.freeze`, Python 3.7+), so later collections, during requests,
never walk the start-up objects again. Python's documentation describes the same use of
`gc.disable` and `gc.freeze` for servers that start once and serve long.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Run the block with the collector off; afterwards freeze what exists and restore
    the collector as it was (left off when the caller had switched it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
