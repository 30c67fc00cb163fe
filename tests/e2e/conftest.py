from tests.e2e.own_server import seeded_server  # noqa: F401 - the fixture, for every browser test here
