"""`verify_draw` needs nothing but the published inputs, the seed and the commitment."""

import json

import pytest
from django.core.management import CommandError, call_command

from inspections.models import PlanSecret, VisitStatus
from inspections.services.plans import close_plan, recorded_draw
from tests.factories import approved_plan


def test_verify_draw_from_files(world, tmp_path, capsys):
    plan = approved_plan(world)
    plan.visits.update(status=VisitStatus.IN_PROGRESS)
    plan = close_plan(plan, actor=world.reviewer)
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps(plan.published_inputs), encoding="utf-8")
    visits = tmp_path / "visits.json"
    visits.write_text(json.dumps({code: day.isoformat() for code, day in recorded_draw(plan).items()}))
    call_command(
        "verify_draw",
        inputs=str(inputs),
        seed=plan.revealed_seed,
        commitment=plan.commitment,
        digest=plan.inputs_digest,
        visits=str(visits),
    )
    report = json.loads(capsys.readouterr().out)
    assert report["matchesCommitment"] and report["matchesInputs"] and report["matchesVisits"]
    assert set(report["draw"]) == set(recorded_draw(plan))
    # A weight changed in the inputs file is caught.
    tampered = dict(plan.published_inputs)
    tampered["units"] = [
        {**unit, "weight": "3.000"} if i == 0 else unit for i, unit in enumerate(tampered["units"])
    ]
    inputs.write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "verify_draw",
            inputs=str(inputs),
            seed=plan.revealed_seed,
            commitment=plan.commitment,
            digest=plan.inputs_digest,
            visits=str(visits),
        )
    # And a wrong seed.
    inputs.write_text(json.dumps(plan.published_inputs), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("verify_draw", inputs=str(inputs), seed="00" * 32, commitment=plan.commitment)
    assert PlanSecret.objects.filter(plan=plan).exists()
