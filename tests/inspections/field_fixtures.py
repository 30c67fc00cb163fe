"""A surprise visit assigned to an inspector, at a unit with a geofence, ready for field work."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone

from inspections.models import OrgUnit, User, Visit
from inspections.services.plans import assign_inspectors
from tests.fixtures import token_for
from tests.inspections.plan_fixtures import World, approved_plan, surprise_visits, world  # noqa: F401

OFFICE = (10.7721, 106.6983)  # latitude, longitude of the unit's office
NEAR = (10.7725, 106.6985)  # about 50 m away
FAR = (10.7900, 106.7200)  # about 3 km away


@dataclass
class Field:
    world: World
    visit: Visit
    inspector: User
    token: str

    def refresh(self) -> Visit:
        self.visit.refresh_from_db()
        return self.visit


@pytest.fixture
def field(world) -> Field:  # noqa: F811
    plan = approved_plan(world)
    visit = surprise_visits(plan)[0]
    OrgUnit.objects.filter(pk=visit.unit_id).update(geofence_latitude=OFFICE[0], geofence_longitude=OFFICE[1],
                                                    geofence_radius_m=100)
    inspector = world.inspectors[0]
    assign_inspectors(visit, [inspector], actor=world.reviewer)
    # The visit is today: the inspector sees it.
    Visit.objects.filter(pk=visit.pk).update(planned_date=timezone.localdate())
    visit.refresh_from_db()
    return Field(world=world, visit=visit, inspector=inspector, token=token_for(inspector))


def now_iso() -> str:
    return timezone.now().isoformat()


def aware(year, month, day, hour=9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
