"""`make run`'s demo data: users of every role and an approved plan, idempotent."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inspections.models import InspectionPlan, PlanStatus, Role, User


@pytest.mark.django_db
def test_demo_users_of_every_role_and_a_plan():
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())  # DEBUG is off and the province is not loaded
    call_command("load_divisions", province=["79"], stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    call_command("seed_demo", force=True, stdout=StringIO())
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "noivu-demo-2026" in out.getvalue()
    plan = InspectionPlan.objects.get()
    assert plan.status == PlanStatus.APPROVED and len(plan.commitment) == 64
    assert plan.visits.count() >= 54
