"""`load_divisions` fills the org tree from the vietnam-provinces package, idempotently."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import OrgUnit, OrgUnitKind
from inspections.models.org import COMMUNE_LEVEL_KINDS
from inspections.services.divisions import STANDARD_DEPARTMENTS


def snapshot():
    return sorted(
        OrgUnit.objects.values_list(
            "code", "name", "kind", "path", "depth", "numchild", "parent_id", "updated_at"
        )
    )


@pytest.mark.django_db
def test_whole_country_loads_once_and_a_second_run_changes_nothing():
    call_command("load_divisions", stdout=StringIO())
    assert OrgUnit.objects.filter(kind=OrgUnitKind.PROVINCE).count() == 34
    assert OrgUnit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).count() == 3321
    assert OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT).count() == 34 * len(STANDARD_DEPARTMENTS)
    hcmc = OrgUnit.objects.get(code="79")
    assert hcmc.name == "Thành phố Hồ Chí Minh"
    assert OrgUnit.objects.filter(parent=hcmc, kind__in=COMMUNE_LEVEL_KINDS).count() == 168
    assert OrgUnit.objects.get(code="79-SNV").name == "Sở Nội vụ Thành phố Hồ Chí Minh"
    # The tree is consistent: treebeard finds no problem, and the parent key agrees with the path.
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    for unit in OrgUnit.objects.filter(depth=2).select_related("parent")[:500]:
        assert unit.path.startswith(unit.parent.path)

    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        call_command("load_divisions", stdout=StringIO())
    assert snapshot() == before
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_one_province_and_a_rename_upstream_updates_in_place():
    call_command("load_divisions", province=["79"], stdout=StringIO())
    assert OrgUnit.objects.filter(kind=OrgUnitKind.PROVINCE).count() == 1
    assert OrgUnit.objects.count() == 1 + 168 + len(STANDARD_DEPARTMENTS)
    ward = OrgUnit.objects.get(code="26743")
    # The row carries an old name, as if the package had renamed the ward since the last load.
    OrgUnit.objects.filter(pk=ward.pk).update(name="Phường Cũ", search_name="phuong cu")
    count = OrgUnit.objects.count()
    call_command("load_divisions", province=["79"], stdout=StringIO())
    ward.refresh_from_db()
    assert (ward.pk, ward.name, ward.search_name) == (ward.pk, "Phường Bến Thành", "phuong ben thanh")
    assert OrgUnit.objects.count() == count


@pytest.mark.django_db
def test_a_unit_new_upstream_is_added_under_its_province():
    call_command("load_divisions", province=["79"], stdout=StringIO())
    OrgUnit.objects.get(code="26743").delete()
    OrgUnit.objects.filter(code="79").update(numchild=OrgUnit.objects.filter(parent__code="79").count())
    call_command("load_divisions", province=["79"], stdout=StringIO())
    ward = OrgUnit.objects.get(code="26743")
    assert ward.parent.code == "79" and ward.depth == 2
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_unknown_province_code_is_a_command_error():
    with pytest.raises(CommandError):
        call_command("load_divisions", province=["999"])
    assert not OrgUnit.objects.exists()
