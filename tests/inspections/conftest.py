"""Fixtures of the inspections tests: the board's scene in the world's province."""

from datetime import date

import pytest

from inspections.models import Visit, VisitKind
from tests.factories import World, add_finding, approved_plan, at


@pytest.fixture
def scene(world) -> World:
    """P1-STP: a periodic visit done, one major finding answered in time. W01: two CCTV findings on one criterion
    (a critical one overdue, a minor repeat not yet due). Everyone else: nothing yet."""
    plan = approved_plan(world)
    inspector = world.inspectors[0]
    stp, w01 = world.units["P1-STP"], world.units["W01"]
    visit = Visit.objects.get(plan=plan, unit=stp, kind=VisitKind.PERIODIC)
    Visit.objects.filter(pk=visit.pk).update(status="submitted", checked_in_at=at(date(2027, 3, 3)))
    add_finding(
        stp,
        "OSS-05",
        "major",
        date(2027, 3, 5),
        date(2027, 3, 26),
        visit=visit,
        answered=date(2027, 3, 10),
        state="accepted",
        author=inspector,
    )
    add_finding(w01, "OSS-10", "critical", date(2027, 3, 2), date(2027, 3, 9), author=inspector)
    add_finding(w01, "OSS-10", "minor", date(2027, 3, 20), date(2027, 5, 4), author=inspector)
    return world
