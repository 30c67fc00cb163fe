"""Shared helpers for benchmarks: timing and the result line."""

import statistics
import time
from collections.abc import Callable


def median_ms(work: Callable[[], object], *, repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def result(name: str, value: float, unit: str, floor: float | None, **extra) -> dict:
    line = {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "floor": None if floor is None else round(floor, 3),
        "ratio": None if not floor else round(value / floor, 2),
    }
    line.update(extra)
    return line
