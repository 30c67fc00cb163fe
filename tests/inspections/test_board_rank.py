"""The board's ranking: a unit nobody inspected yet never outranks an inspected one."""

from inspections.models import OrgUnit
from inspections.services.board import BoardRow, rank


def row(code: str, *, visits: int, critical: int = 0) -> BoardRow:
    unit = OrgUnit(code=code, name=f"Đơn vị {code}")
    r = BoardRow(unit=unit, periodic_visits=visits)
    r.findings["critical"] = critical
    return r


def test_units_not_inspected_rank_after_every_inspected_unit():
    rows = rank([row("A", visits=0), row("B", visits=1, critical=3), row("C", visits=1), row("D", visits=0)])
    assert [(r.unit.code, r.rank) for r in rows] == [("C", 1), ("B", 2), ("A", 3), ("D", 4)]
    assert rows[0].score == 100.0 and rows[2].score == 100.0  # the same score, yet inspected first
    assert {r.status for r in rows if not r.visited} == {"amber"}
