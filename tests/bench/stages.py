"""Where a benchmark's time goes: the service's own functions timed where they run, in this
process (each wrapped for the run, the real function called; nothing replaced)."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps


@contextmanager
def timed(*targets: tuple[object, str, str]):
    """Time every call of each (owner, attribute, label) while inside; yields label -> seconds
    (wall time in the call, children included; calls of one label nested in another of the
    same label count once; calls in several threads at once each count)."""
    seconds: dict[str, float] = defaultdict(float)
    depth: dict[str, int] = defaultdict(int)
    originals = []
    for owner, name, label in targets:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        originals.append((owner, name, original))
        setattr(owner, name, _timing(original, label, seconds, depth))
    try:
        yield seconds
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)


def _timing(function, label, seconds, depth):
    if isinstance(function, (staticmethod, classmethod)):
        return type(function)(_timing(function.__func__, label, seconds, depth))

    @wraps(function)
    def timing(*args, **kwargs):
        nested = (label, threading.get_ident())  # green threads under eventlet have their own
        depth[nested] += 1
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[nested] -= 1
            if not depth[nested]:
                seconds[label] += time.perf_counter() - start

    return timing


class Cpu:
    """CPU seconds (user + system) of groups of processes over the phases of a run, sampled by
    a green thread: `group(process)` names a process's group (None: not counted). A process
    that ends keeps its last sample; one that starts counts from its birth."""

    def __init__(self, group, every: float = 1.0):
        self.group, self.every = group, every
        self.last: dict[int, tuple[str, float]] = {}
        self.marks: list[tuple[str, dict[str, float]]] = []
        self._running = None

    def start(self) -> "Cpu":
        import eventlet

        self._sample()
        self.marks.append(("start", self._totals()))
        self._running = eventlet.spawn(self._loop)
        return self

    def mark(self, phase: str) -> None:
        """The end of `phase` (phases follow each other from `start`)."""
        self._sample()
        self.marks.append((phase, self._totals()))

    def stop(self) -> dict[str, dict[str, float]]:
        """phase -> group -> CPU seconds in it."""
        self._running.kill()
        out = {}
        for (_, before), (phase, after) in zip(self.marks, self.marks[1:]):
            out[phase] = {g: after.get(g, 0.0) - before.get(g, 0.0) for g in after}
        return out

    def _loop(self) -> None:
        import eventlet

        while True:
            eventlet.sleep(self.every)
            self._sample()

    def _sample(self) -> None:
        import psutil

        for process in psutil.process_iter():
            try:
                name = self.group(process)
                if name is not None:
                    times = process.cpu_times()
                    self.last[process.pid] = (name, times.user + times.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue

    def _totals(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for name, seconds in self.last.values():
            totals[name] += seconds
        return dict(totals)
