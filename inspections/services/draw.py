"""The verifiable surprise draw (algorithm ``cchc-draw-v1``; the README specifies it for re-implementation).

Inputs are published when the plan is approved, together with ``commitment = SHA-256(seed)``; the seed is
revealed when the plan closes. Anyone holding the inputs and the seed re-runs ``draw`` and gets the same units
and dates. Everything is integer arithmetic so that another language reproduces it bit for bit.

1. Inclusion probabilities (in billionths) proportional to the units' risk weights, clipped to
   [floor, ceiling] with the rest re-spread, and summing exactly to ``surprise_count``.
2. Units are ordered by HMAC-SHA256(seed, "order:" + code); one start point
   HMAC-SHA256(seed, "start") mod 10⁹ walks the cumulative probabilities in steps of 10⁹ (randomised systematic
   sampling: each unit is drawn with exactly its probability, exactly ``surprise_count`` units are drawn).
3. Each drawn unit (by code) gets the working day at index HMAC-SHA256(seed, "date:" + code) mod D, or the
   next one with capacity left (wrapping), capacity being team size × visits per inspector per day minus the
   periodic visits already booked that day.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ALGORITHM_VERSION = "cchc-draw-v1"
SCALE = 10**9  # probabilities are integers in billionths
WEIGHT_SCALE = 1000  # weights are published with three decimals


class DrawError(Exception):
    """The inputs admit no draw (no working day with capacity left, say)."""


@dataclass(frozen=True)
class DrawInputs:
    """Everything the draw depends on besides the seed, as published with the commitment."""

    plan: int
    authority: str
    period_start: date
    period_end: date
    surprise_count: int
    floor: Decimal
    ceiling: Decimal
    units: tuple[tuple[str, Decimal], ...]  # (code, weight), sorted by code
    working_days: tuple[date, ...]
    capacity_per_day: int
    booked: tuple[tuple[date, int], ...] = field(default_factory=tuple)  # periodic visits per day
    algorithm: str = ALGORITHM_VERSION

    def to_json(self) -> dict:
        return {
            "algorithm": self.algorithm,
            "plan": self.plan,
            "authority": self.authority,
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "surpriseCount": self.surprise_count,
            "floor": str(self.floor),
            "ceiling": str(self.ceiling),
            "units": [{"code": code, "weight": str(weight)} for code, weight in self.units],
            "workingDays": [day.isoformat() for day in self.working_days],
            "capacityPerDay": self.capacity_per_day,
            "booked": {day.isoformat(): count for day, count in self.booked},
        }

    @classmethod
    def from_json(cls, data: dict) -> "DrawInputs":
        return cls(
            algorithm=data["algorithm"],
            plan=int(data["plan"]),
            authority=str(data["authority"]),
            period_start=date.fromisoformat(data["period"]["start"]),
            period_end=date.fromisoformat(data["period"]["end"]),
            surprise_count=int(data["surpriseCount"]),
            floor=Decimal(data["floor"]),
            ceiling=Decimal(data["ceiling"]),
            units=tuple(sorted((u["code"], Decimal(u["weight"])) for u in data["units"])),
            working_days=tuple(date.fromisoformat(d) for d in data["workingDays"]),
            capacity_per_day=int(data["capacityPerDay"]),
            booked=tuple(sorted((date.fromisoformat(d), int(n)) for d, n in data.get("booked", {}).items())),
        )

    def digest(self) -> str:
        """SHA-256 of the canonical JSON (sorted keys, no spaces): what a change to any input changes."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def commitment_for(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def hmac_int(seed: bytes, label: str) -> int:
    return int.from_bytes(hmac.new(seed, label.encode("utf-8"), hashlib.sha256).digest(), "big")


def _to_scale(value: Decimal) -> int:
    return int((value * SCALE).to_integral_value(rounding=ROUND_HALF_UP))


def inclusion_probabilities(
    units: tuple[tuple[str, Decimal], ...], count: int, floor: Decimal, ceiling: Decimal
) -> dict[str, int]:
    """Each unit's chance of being drawn, in billionths, summing exactly to ``count`` × 10⁹.

    Proportional to weight; a unit above the ceiling is set to it and one below the floor to it, the rest
    re-spread over the others, until none is outside. The ceiling is raised to count/n when that is higher
    (every unit must then be drawn with the same chance). With count ≥ n every unit is certain.
    """
    codes = [code for code, _weight in units]
    n = len(codes)
    if count <= 0 or n == 0:
        return dict.fromkeys(codes, 0)
    if count >= n:
        return dict.fromkeys(codes, SCALE)
    weights = {code: int(weight * WEIGHT_SCALE) for code, weight in units}
    target = count * SCALE
    low = min(_to_scale(floor), target // n)
    high = max(_to_scale(ceiling), -(-target // n))
    fixed: dict[str, int] = {}
    free = list(codes)
    while free:
        remaining = target - sum(fixed.values())
        total = sum(weights[code] for code in free)
        if total == 0:  # all free weights zero: spread evenly
            weights.update(dict.fromkeys(free, 1))
            total = len(free)
        over = [code for code in free if remaining * weights[code] > high * total]
        if over:
            fixed.update(dict.fromkeys(over, high))
            free = [code for code in free if code not in fixed]
            continue
        under = [code for code in free if remaining * weights[code] < low * total]
        if under:
            fixed.update(dict.fromkeys(under, low))
            free = [code for code in free if code not in fixed]
            continue
        break
    remaining = target - sum(fixed.values())
    probabilities = dict(fixed)
    if free:
        total = sum(weights[code] for code in free)
        shares = {code: divmod(remaining * weights[code], total) for code in free}
        probabilities.update({code: share[0] for code, share in shares.items()})
        # Largest remainder: the units with the largest fractional parts (then by code) get one billionth more.
        deficit = remaining - sum(share[0] for share in shares.values())
        for code in sorted(free, key=lambda c: (-shares[c][1], c))[:deficit]:
            probabilities[code] += 1
    return probabilities


def select_units(inputs: DrawInputs, seed: bytes, probabilities: dict[str, int] | None = None) -> list[str]:
    """Randomised systematic sampling over the units in HMAC order; returns the drawn codes, sorted."""
    if probabilities is None:
        probabilities = inclusion_probabilities(
            inputs.units, inputs.surprise_count, inputs.floor, inputs.ceiling
        )
    order = sorted(probabilities, key=lambda code: (hmac_int(seed, f"order:{code}"), code))
    start = hmac_int(seed, "start") % SCALE
    selected, cumulative = [], 0
    for code in order:
        low, high = cumulative, cumulative + probabilities[code]
        # The first sampling point start + j·10⁹ at or after `low`:
        point = start + -((start - low) // SCALE) * SCALE
        if point < high:
            selected.append(code)
        cumulative = high
    return sorted(selected)


def assign_dates(inputs: DrawInputs, seed: bytes, codes: list[str]) -> dict[str, date]:
    days = list(inputs.working_days)
    if not days:
        raise DrawError("no working day in the period")
    booked = dict(inputs.booked)
    capacity = {day: inputs.capacity_per_day - booked.get(day, 0) for day in days}
    dates = {}
    for code in sorted(codes):
        index = hmac_int(seed, f"date:{code}") % len(days)
        for step in range(len(days)):
            day = days[(index + step) % len(days)]
            if capacity[day] > 0:
                capacity[day] -= 1
                dates[code] = day
                break
        else:
            raise DrawError("the team has no capacity left on any working day of the period")
    return dates


def draw(inputs: DrawInputs, seed: bytes) -> dict[str, date]:
    """The surprise visits: unit code → date. Deterministic in (inputs, seed)."""
    if inputs.algorithm != ALGORITHM_VERSION:
        raise DrawError(f"unknown draw algorithm {inputs.algorithm!r}")
    return assign_dates(inputs, seed, select_units(inputs, seed))


@dataclass(frozen=True)
class Verification:
    matches_commitment: bool  # SHA-256(seed) is the commitment published at approval
    matches_inputs: bool  # the inputs hash to the digest published at approval
    matches_visits: bool  # re-running the draw gives exactly the recorded surprise visits
    recomputed: dict[str, date]

    @property
    def ok(self) -> bool:
        return self.matches_commitment and self.matches_inputs and self.matches_visits


def verify(
    inputs: DrawInputs, seed_hex: str, commitment: str, inputs_digest: str, recorded: dict[str, date]
) -> Verification:
    """Re-run the draw from the published inputs and the revealed seed and compare with what was published
    and recorded. Any changed input, seed or visit makes one of the three checks fail."""
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        return Verification(False, False, False, {})
    try:
        recomputed = draw(inputs, seed)
    except DrawError:
        recomputed = {}
    return Verification(
        matches_commitment=hmac.compare_digest(commitment_for(seed), commitment),
        matches_inputs=hmac.compare_digest(inputs.digest(), inputs_digest),
        matches_visits=recomputed == recorded,
        recomputed=recomputed,
    )
