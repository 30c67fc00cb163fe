"""The surprise draw: deterministic, verifiable, exact inclusion probabilities with a floor and no certainty."""

import hashlib
import random
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from inspections.services.calendar import is_working_day, working_days_between
from inspections.services.draw import (
    SCALE,
    DrawInputs,
    commitment_for,
    draw,
    inclusion_probabilities,
    select_units,
    verify,
)

DAYS = tuple(working_days_between(date(2026, 1, 1), date(2026, 12, 31)))
WEIGHTS = [Decimal(w) for w in ("1", "1", "1", "1.5", "2", "2.5", "4", "1", "1", "3", "1", "1.2")]


def inputs(count=4, weights=WEIGHTS, **changes) -> DrawInputs:
    base = DrawInputs(
        plan=1,
        authority="79",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        surprise_count=count,
        floor=Decimal("0.1"),
        ceiling=Decimal("0.95"),
        units=tuple((f"U{i:02d}", w) for i, w in enumerate(weights)),
        working_days=DAYS,
        capacity_per_day=2,
        booked=((date(2026, 3, 2), 2),),
    )
    return replace(base, **changes)


def seed(i: int) -> bytes:
    return hashlib.sha256(f"seed-{i}".encode()).digest()


def test_same_seed_and_inputs_give_the_same_draw_in_any_input_order():
    forward = inputs()
    shuffled = list(forward.units)
    random.Random(7).shuffle(shuffled)
    backward = replace(forward, units=tuple(shuffled))
    assert draw(forward, seed(1)) == draw(backward, seed(1)) == draw(forward, seed(1))
    assert len(draw(forward, seed(1))) == 4
    assert DrawInputs.from_json(backward.to_json()).digest() == forward.digest()
    assert any(draw(forward, seed(i)) != draw(forward, seed(1)) for i in range(2, 6))


def test_verification_detects_a_changed_seed_input_or_visit():
    published = inputs()
    secret = seed(3)
    recorded = draw(published, secret)
    commitment, digest = commitment_for(secret), published.digest()
    assert verify(published, secret.hex(), commitment, digest, recorded).ok
    assert not verify(published, seed(4).hex(), commitment, digest, recorded).matches_commitment
    with_new_unit = replace(published, units=(*published.units, ("U99", Decimal("1"))))
    assert not verify(with_new_unit, secret.hex(), commitment, digest, recorded).ok
    heavier = replace(published, units=(("U00", Decimal("3.5")), *published.units[1:]))
    assert not verify(heavier, secret.hex(), commitment, digest, recorded).matches_inputs
    code, day = next(iter(recorded.items()))
    moved = {**recorded, code: DAYS[(DAYS.index(day) + 1) % len(DAYS)]}
    assert not verify(published, secret.hex(), commitment, digest, moved).matches_visits


def test_empirical_inclusion_matches_the_stated_probability():
    """3,000 fixed seeds: each unit is drawn as often as its probability says (±4 standard deviations)."""
    published = inputs()
    probabilities = inclusion_probabilities(published.units, 4, published.floor, published.ceiling)
    runs = 3000
    counts = Counter(code for i in range(runs) for code in select_units(published, seed(i), probabilities))
    for code, billionths in probabilities.items():
        p = billionths / SCALE
        tolerance = 4 * (p * (1 - p) / runs) ** 0.5
        assert abs(counts[code] / runs - p) <= tolerance, (code, counts[code] / runs, p)
    # Risk raises the chance: the heaviest unit is drawn more often than the lightest.
    assert counts["U06"] > counts["U00"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=1, max_value=4, places=3), min_size=2, max_size=60), st.data())
def test_probabilities_sum_to_the_count_with_a_floor_and_never_certain(weights, data):
    n = len(weights)
    count = data.draw(st.integers(min_value=max(1, -(-n // 10)), max_value=n - 1))
    units = tuple((f"U{i:03d}", w) for i, w in enumerate(weights))
    probabilities = inclusion_probabilities(units, count, Decimal("0.1"), Decimal("0.95"))
    assert sum(probabilities.values()) == count * SCALE
    assert min(probabilities.values()) >= SCALE // 10
    assert max(probabilities.values()) < SCALE
    chosen = select_units(inputs(count=count, units=units), seed(n))
    assert len(chosen) == count


def test_dates_are_working_days_within_capacity():
    published = inputs(count=8, weights=[Decimal(1)] * 40)
    for i in range(50):
        drawn = draw(published, seed(i))
        assert all(is_working_day(day) and day in DAYS for day in drawn.values())
        named_holidays = {date(2026, 2, 17), date(2026, 4, 30), date(2026, 9, 2)}
        assert not set(drawn.values()) & named_holidays
        per_day = Counter(drawn.values())
        assert per_day[date(2026, 3, 2)] == 0  # fully booked by periodic visits
        assert max(per_day.values()) <= 2
