"""`up` as a graph of steps: each step starts as soon as the steps it needs are done.

Startup is CPU-bound on a small machine (every service imports a large Python tree): the
waste is a core left idle while one slow database sync or API holds back a whole phase.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """What to do, and the steps that must be done first. `action` may return a few words
    on what it did (which daemons it started), printed with its timing."""

    name: str
    action: Callable[[], str | None]
    needs: tuple[str, ...] = ()


class Plan:
    """Runs steps on threads in dependency order; a step whose dependency failed fails
    with the same error without running."""

    def __init__(self, steps: list[Step]):
        seen: set[str] = set()
        for step in steps:
            unknown = [need for need in step.needs if need not in seen]
            if unknown:
                raise ValueError(f"step {step.name} needs {unknown}: list them before it")
            seen.add(step.name)
        self.steps = steps
        self._print = threading.Lock()

    def run(self) -> float:
        """Run every step; the first error is raised once the other steps ended (a
        half-started service is left to the next `up`). Returns the elapsed seconds."""
        began = time.monotonic()
        futures: dict[str, Future] = {}

        def perform(step: Step) -> None:
            for need in step.needs:
                futures[need].result()
            started = time.monotonic()
            detail = step.action()
            with self._print:
                print(f"  {time.monotonic() - began:6.1f} s  {step.name}"
                      f"{': ' + detail if detail else ''} ({time.monotonic() - started:.1f} s)",
                      flush=True)

        with ThreadPoolExecutor(len(self.steps)) as pool:
            for step in self.steps:
                futures[step.name] = pool.submit(perform, step)
            wait(futures.values())
        for future in futures.values():
            if future.exception() is not None:
                raise future.exception()
        return time.monotonic() - began
