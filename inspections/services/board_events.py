"""Board events: when something a board shows changes at a unit (a check-in, a submitted visit, a remediation
move, a confirmed CCTV flag), every board above that unit is told, after the transaction commits, through the
channel layer (Redis when configured: every Daphne process hears it, wherever the change was made).

The event names only the unit; each subscriber recomputes its rows as its own user may see them, so rule 1
(surprise visits) holds for every event as it does for the query.
"""

from django.db import transaction

from apikit.events import publish_many


def topic(authority_path: str) -> str:
    return f"board:{authority_path}"


def unit_changed(unit) -> None:
    path, step = unit.path, unit.steplen
    events = [(topic(path[:end]), {"unit": unit.pk, "path": path}) for end in range(step, len(path), step)]
    transaction.on_commit(lambda: publish_many(events))
