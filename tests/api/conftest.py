"""Fixtures of the API abuse tests: a clean rate-limit cache, a signed-in Home Affairs reviewer, the cache on a
Redis of the test's own."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from inspections.models import Role
from tests.factories import make_user, token_for


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters of one test never reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewer(small_tree):
    """A Home Affairs reviewer of province 01 and their bearer token."""
    user = make_user("noivu", Role.HOME_AFFAIRS, small_tree["01-SNV"])
    return user, token_for(user)


@pytest.fixture
def redis_cache(redis_server):
    """Django's cache on the test's own redis-server (which the test may stop), put back before it stops."""
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}
    }
    with override_settings(CACHES=caches):
        yield redis_server
