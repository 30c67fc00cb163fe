"""Production settings, set through the environment, pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Yq9-production-only-7f1c2a9be3d84a0f95c6e2d1b7a4f8c3e5d6a7b8c9d0e1f2a3b4",
    "ALLOWED_HOSTS": "cchc.example.gov.vn",
}


def run_manage(*args, env_overrides):
    env = {key: value for key, value in os.environ.items() if key not in ("TESTING", "DEBUG", "SECRET_KEY")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={"DEBUG": "0", "ALLOWED_HOSTS": "cchc.example.gov.vn"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_turns_introspection_and_graphiql_off():
    code = (
        "from django.conf import settings; "
        "print(settings.GRAPHQL_INTROSPECTION, settings.GRAPHQL_GRAPHIQL, settings.SESSION_COOKIE_SECURE)"
    )
    result = run_manage("shell", "-c", code, env_overrides=PRODUCTION)
    assert result.stdout.split()[-3:] == ["False", "False", "True"], result.stderr
