"""Re-run a plan's surprise draw from its published inputs and revealed seed, with nothing but them.

    manage.py verify_draw --inputs inputs.json --seed <hex> --commitment <hex> [--digest <hex>] [--visits visits.json]

``inputs.json`` is ``planCommitment.publishedInputs``; ``visits.json`` maps unit codes to dates
(``{"26743": "2027-03-15", ...}``), as recorded. Prints the recomputed draw as JSON and exits 1 on any mismatch.
No database is read.
"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.services.draw import DrawInputs, commitment_for, draw


class Command(BaseCommand):
    help = "Verify a surprise draw from its published inputs and revealed seed (no database needed)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--inputs", required=True, help="JSON file of the published inputs.")
        parser.add_argument("--seed", required=True, help="The revealed seed (hex).")
        parser.add_argument("--commitment", required=True, help="The commitment published at approval (hex).")
        parser.add_argument("--digest", help="The inputs digest published at approval (hex).")
        parser.add_argument("--visits", help="JSON file {unit code: date} of the recorded surprise visits.")

    def handle(self, *args, inputs, seed, commitment, digest=None, visits=None, **options):
        try:
            published = DrawInputs.from_json(json.loads(Path(inputs).read_text(encoding="utf-8")))
            seed_bytes = bytes.fromhex(seed)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read the inputs or the seed: {exc}") from exc
        recomputed = draw(published, seed_bytes)
        report = {
            "matchesCommitment": commitment_for(seed_bytes) == commitment.lower(),
            "matchesInputs": None if digest is None else published.digest() == digest.lower(),
            "draw": {code: day.isoformat() for code, day in sorted(recomputed.items())},
        }
        if visits:
            recorded = {
                code: date.fromisoformat(day)
                for code, day in json.loads(Path(visits).read_text(encoding="utf-8")).items()
            }
            report["matchesVisits"] = recorded == recomputed
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if not all(value is not False for value in report.values()):
            raise CommandError("the draw does not match what was published")
