"""Every change is in the audit log (DESIGN.md §3 rule 6): who, what, when, through which surface.

The service modules are read as code: a public function that writes to the database (a transaction, or a
create/update/save/delete call) must call ``record(..., AuditAction.X, ...)`` itself, or be listed in
``NOT_ACTIONS`` with the reason it writes no row. A new action without an audit row fails here. Then the plan
lifecycle runs through its real path and its rows are checked, with their surface.
"""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from inspections.models import AuditAction, AuditEntry, AuditSurface, InspectionPlan
from inspections.services.plans import close_plan, update_plan
from tests.factories import approved_plan, gid, gql, token_for

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "inspections" / "services").glob("*.py")) + [ROOT / "mobile_api" / "services.py"]

WRITES = {"create", "bulk_create", "update", "save", "delete", "update_or_create", "get_or_create", "set"}

# Public functions that write but are not actions of a person, or whose row the calling action writes.
NOT_ACTIONS = {
    "divisions.load_divisions": "loads the official division list (a data import, re-runnable, no person acts)",
    "escalation.sweep": "the scheduler's reminders and escalations: notifications, not changes to the record",
    "notifications.write": "inbox rows written on behalf of the action that calls it",
    "notifications.notify": "inbox rows written on behalf of the action that calls it",
    "notifications.deliver": "marks e-mails sent: delivery bookkeeping",
    "notifications.mark_read": "a user's read receipts in their own inbox, not a change to the record",
    "remediation.open_for": "opened inside record_finding / confirm, which audit the finding",
    "remediation.follow_correction": "moved inside correct_finding, which audits the correction",
    "evidence.keep_photo": "stores the file for store_photo / store_answer_photo / confirm, which audit it",
    "evidence.store_content": "writes a file to storage for keep_photo",
    "evidence.store_files": "writes files to storage for keep_photo",
    "field.link_slots": "links photos inside record_finding, which audits the finding",
    "snapshots.ingest": "a camera's upload (a machine, keyed per camera), kept as the snapshot itself",
    "snapshots.issue_key": "the administrator's key issue is audited by Django's admin log",
    "snapshots.revoke_keys": "the administrator's key revocation is audited by Django's admin log",
    "snapshots.run_analysis": "the analysis worker's result on the snapshot row",
    "accounts.start_password_reset": "audited (it names its action as text; checked by test_portal_accounts)",
    "services.issue_token": "a sign-in: recorded as the device session itself (who, when, from where)",
    "services.device_for_token": "touches a token's last use",
    "snapshots.camera_for_key": "touches a key's last use",
    "snapshots.delete_unused": "removes stored files no row names any more, for purge_snapshots",
    "snapshots.sweep_incoming": "removes originals no row names (a killed process's leftovers), for the purge",
    "heartbeats.beat": "a process's liveness in the cache, not the database",
    "audit.record": "the audit log itself",
    "audit.acting_through": "sets the surface of the rows written inside (a context variable)",
    "draw.inclusion_probabilities": "pure arithmetic (a dict's update), no database",
    "plans.risk_signals": "reads the risk sources (a dict's update), no database",
    "evidence.make_thumbnail": "encodes an image in memory (Image.save), no database",
}


def public_functions(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node


def writes(function: ast.FunctionDef) -> bool:
    atomic = any("atomic" in ast.unparse(decorator) for decorator in function.decorator_list)
    calls = {
        node.func.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    opens_transaction = any(
        isinstance(node, ast.With) and "atomic" in ast.unparse(node) for node in ast.walk(function)
    )
    return atomic or opens_transaction or bool(calls & WRITES)


def recorded_actions(function: ast.FunctionDef) -> list[str]:
    """The AuditAction members named by the function's ``record(...)`` calls ('?' for anything else)."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "record":
            action = (
                node.args[2]
                if len(node.args) > 2
                else next((k.value for k in node.keywords if k.arg == "action"), None)
            )
            if (
                isinstance(action, ast.Attribute)
                and isinstance(action.value, ast.Name)
                and action.value.id == "AuditAction"
            ):
                found.append(action.attr)
            elif isinstance(action, ast.Constant) and action.value in AuditAction.values:
                found.append(AuditAction(action.value).name)  # a member's value, as record() accepts
            else:
                found.append("?")
    return found


def unaudited(path: Path, exempt: dict) -> list[str]:
    problems = []
    for function in public_functions(path):
        name = f"{path.stem}.{function.name}"
        if not writes(function) or name in exempt:
            continue
        actions = recorded_actions(function)
        if not actions:
            problems.append(f"{name} writes but records no audit row")
        for action in actions:
            if action not in AuditAction.__members__:
                problems.append(f"{name} records {action!r}, not an AuditAction member")
    return problems


def test_every_service_action_writes_its_audit_row():
    problems = [problem for path in MODULES for problem in unaudited(path, NOT_ACTIONS)]
    assert problems == []


def test_the_exemptions_name_functions_that_exist():
    names = {f"{path.stem}.{function.name}" for path in MODULES for function in public_functions(path)}
    assert sorted(set(NOT_ACTIONS) - names) == []


def test_the_check_fails_on_an_action_without_audit(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.db import transaction\n"
        "@transaction.atomic\n"
        "def close_visit(visit, *, actor):\n"
        "    visit.save()\n"
        "def reopen_visit(visit, *, actor):\n"
        "    visit.save()\n"
        "    record(actor, None, 'visit.reopen', visit)\n"
        "def submit(visit, *, actor):\n"
        "    visit.save()\n"
        "    record(actor, None, 'visit.submit', visit)\n"
        "def audited(visit, *, actor):\n"
        "    visit.save()\n"
        "    record(actor, None, AuditAction.VISIT_SUBMIT, visit)\n"
        "def read_only(visit):\n"
        "    return visit.pk\n"
    )
    assert unaudited(sample, {}) == [
        "sample.close_visit writes but records no audit row",
        "sample.reopen_visit records '?', not an AuditAction member",
    ]


def test_an_unknown_action_is_refused(db, world):
    from inspections.services.audit import record

    with pytest.raises(ValueError):
        record(world.reviewer, None, "plan.shredded", world.province)


def test_the_plan_lifecycle_is_in_the_audit_log(world):
    plan = approved_plan(world, year=2027, approve_on=date(2026, 12, 1))
    rows = AuditEntry.objects.filter(object_type="InspectionPlan", object_id=str(plan.pk)).order_by("pk")
    assert [(row.action, row.actor_id, row.surface) for row in rows] == [
        (AuditAction.PLAN_CREATE, world.reviewer.pk, AuditSurface.COMMAND),
        (AuditAction.PLAN_ADD_PERIODIC_VISIT, world.reviewer.pk, AuditSurface.COMMAND),
        (AuditAction.PLAN_ADD_PERIODIC_VISIT, world.reviewer.pk, AuditSurface.COMMAND),
        (AuditAction.PLAN_APPROVE, world.reviewer.pk, AuditSurface.COMMAND),
    ]
    approval = rows.last().data
    assert approval["commitment"] == plan.commitment and approval["inputs_digest"] == plan.inputs_digest
    # Which units the draw chose stays out of the log until the seed is revealed (rule 1).
    drawn = set(plan.visits.filter(kind="surprise").values_list("unit__code", flat=True))
    assert drawn and not any(code in str(approval) for code in drawn)
    closed = close_plan(plan, actor=world.reviewer, today=date(2028, 1, 3))
    entry = AuditEntry.objects.filter(action=AuditAction.PLAN_CLOSE).get()
    assert entry.data["revealed_seed"] == closed.revealed_seed


def test_a_change_through_the_api_is_marked_api(world):
    plan = InspectionPlan.objects.create(
        authority=world.province, title="Nháp", year=2027, created_by=world.reviewer
    )
    answer = gql(
        Client(),
        """mutation($id: ID!) { updatePlan(id: $id, title: "Kế hoạch 2027") { errors { code } } }""",
        {"id": gid("Plan", plan.pk)},
        token=token_for(world.reviewer),
    )["data"]["updatePlan"]
    assert answer["errors"] == []
    entry = AuditEntry.objects.get(action=AuditAction.PLAN_UPDATE)
    assert (entry.surface, entry.actor, entry.data) == (
        AuditSurface.API,
        world.reviewer,
        {"title": "Kế hoạch 2027"},
    )
    update_plan(plan, actor=world.reviewer, title="Kế hoạch CCHC 2027")
    assert (
        AuditEntry.objects.filter(action=AuditAction.PLAN_UPDATE).latest("pk").surface == AuditSurface.COMMAND
    )
