"""`make bench`: run the benchmarks and print one JSON object per line on stdout.

Each line is {"name", "value", "unit", "floor", "ratio", ...}: `floor` is the same work done by the fastest thing
that could do it, measured in the same run, and `ratio` = value / floor. Benchmarks run against a throwaway
test database (SQLite in memory by default, PostgreSQL when DATABASE_URL is set).

    python -m bench                 # all of them
    python -m bench org_subtree     # some of them
"""

import importlib
import json
import os
import pkgutil
import sys

os.environ.setdefault("TESTING", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

import bench  # noqa: E402

NOT_BENCHMARKS = {"common"}


def benchmark_modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name not in NOT_BENCHMARKS and not m.name.startswith("_")
    )
    unknown = set(selected) - set(names)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(names)}")
    return [name for name in names if not selected or name in selected]


def main(argv: list[str]) -> int:
    modules = benchmark_modules(argv)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=True)
    seeded = connection._test_serialized_contents  # what the migrations put in (the checklist template)
    try:
        for name in modules:
            module = importlib.import_module(f"bench.{name}")
            for result in module.run():
                print(json.dumps(result, ensure_ascii=False), flush=True)
            # Every benchmark starts from the migrated database, as the first one did.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(seeded)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
