"""Loading the official administrative divisions (the ``vietnam-provinces`` package) into the org tree.

Provinces become roots; each gets its wards/communes/special zones and the standard set of departments
(DESIGN.md §2). Loading is idempotent: units are matched by official code, so a second run changes nothing
and a unit renamed upstream is renamed here, not duplicated.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, Ward
from vietnam_provinces.base import VietNamDivisionType

from inspections.models import OrgUnit, OrgUnitKind
from inspections.models.org import fold_for_search

# The standard departments seeded in every province: (code suffix, name before the province's name).
STANDARD_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("VPUBND", "Văn phòng UBND"),
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("TTR", "Thanh tra"),
)
HOME_AFFAIRS_SUFFIX = "SNV"
INSPECTORATE_SUFFIX = "TTR"

WARD_KINDS = {
    VietNamDivisionType.PHUONG: OrgUnitKind.WARD,
    VietNamDivisionType.XA: OrgUnitKind.COMMUNE,
    VietNamDivisionType.DAC_KHU: OrgUnitKind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class UnitSpec:
    code: str
    kind: str
    name: str


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    provinces: list[str] = field(default_factory=list)


def province_code(province: Province) -> str:
    return f"{int(province.code):02d}"


def department_code(province: Province | str, suffix: str) -> str:
    code = province if isinstance(province, str) else province_code(province)
    return f"{code}-{suffix}"


def province_specs(province: Province) -> tuple[UnitSpec, list[UnitSpec]]:
    """The province itself and its children: departments first, then wards/communes by code."""
    code = province_code(province)
    root = UnitSpec(code=code, kind=OrgUnitKind.PROVINCE, name=province.name)
    children = [
        UnitSpec(
            code=department_code(code, suffix), kind=OrgUnitKind.DEPARTMENT, name=f"{label} {province.name}"
        )
        for suffix, label in STANDARD_DEPARTMENTS
    ]
    wards = sorted(Ward.iter_by_province(province.code), key=lambda ward: int(ward.code))
    children += [
        UnitSpec(code=f"{int(ward.code):05d}", kind=WARD_KINDS[ward.division_type], name=ward.name)
        for ward in wards
    ]
    return root, children


def find_province(code: str) -> Province:
    """The province of an official code (``79`` or ``079``); ValueError when there is none."""
    try:
        return Province.from_code(ProvinceCode(int(code)))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"No province has the code {code!r}.") from exc


def _apply(unit: OrgUnit, spec: UnitSpec) -> bool:
    if unit.name == spec.name and unit.kind == spec.kind:
        return False
    unit.name, unit.kind, unit.search_name = spec.name, spec.kind, fold_for_search(spec.name)
    return True


@transaction.atomic
def load_divisions(provinces: Iterable[Province] | None = None) -> LoadReport:
    """Create or update the given provinces (all 34 when None) with their wards and departments."""
    provinces = list(provinces) if provinces is not None else list(Province.iter_all())
    report = LoadReport()
    for province in sorted(provinces, key=lambda p: int(p.code)):
        _load_province(province, report)
        report.provinces.append(province.name)
    return report


def _load_province(province: Province, report: LoadReport) -> None:
    root_spec, child_specs = province_specs(province)
    codes = [root_spec.code, *(spec.code for spec in child_specs)]
    existing = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
    changed: list[OrgUnit] = []

    root = existing.get(root_spec.code)
    if root is None:
        root = OrgUnit.objects.add_root(
            instance=OrgUnit(code=root_spec.code, kind=root_spec.kind, name=root_spec.name)
        )
        report.created += 1
    elif _apply(root, root_spec):
        changed.append(root)

    missing = []
    for spec in child_specs:
        unit = existing.get(spec.code)
        if unit is None:
            missing.append(spec)
        elif _apply(unit, spec):
            changed.append(unit)
    report.updated += len(changed)
    report.unchanged += (
        len(codes) - len(changed) - len(missing) - (1 if root_spec.code not in existing else 0)
    )

    if changed:
        OrgUnit.objects.bulk_update(changed, ["name", "kind", "search_name"])
    if not missing:
        return
    root.refresh_from_db()
    if root.numchild == 0:
        # A new province: write all children in one statement, with the paths treebeard would give them.
        units = [
            OrgUnit(
                code=spec.code,
                kind=spec.kind,
                name=spec.name,
                search_name=fold_for_search(spec.name),
                parent=root,
                depth=root.depth + 1,
                numchild=0,
                path=OrgUnit._get_path(root.path, root.depth + 1, position),
            )
            for position, spec in enumerate(missing, start=1)
        ]
        OrgUnit.objects.bulk_create(units, batch_size=500)
        OrgUnit.objects.filter(pk=root.pk).update(numchild=len(units))
    else:
        # A few units new upstream: treebeard appends each after the existing children.
        for spec in missing:
            OrgUnit.objects.add_child(
                root, instance=OrgUnit(code=spec.code, kind=spec.kind, name=spec.name, parent=root)
            )
            root.refresh_from_db()
    report.created += len(missing)
