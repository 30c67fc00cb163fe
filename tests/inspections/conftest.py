"""Fixtures of the inspections tests: the board's scene in the world's province, and the file store behind
evidence and snapshots, as local files or as objects on an S3 endpoint (moto's server) on loopback."""

import uuid
from datetime import date
from pathlib import Path

import pytest

from inspections.models import Visit, VisitKind
from tests.factories import World, add_finding, approved_plan, at
from tests.servers import S3Server


@pytest.fixture
def scene(world) -> World:
    """P1-STP: a periodic visit done, one major finding answered in time. W01: two CCTV findings on one criterion
    (a critical one overdue, a minor repeat not yet due). Everyone else: nothing yet."""
    plan = approved_plan(world)
    inspector = world.inspectors[0]
    stp, w01 = world.units["P1-STP"], world.units["W01"]
    visit = Visit.objects.get(plan=plan, unit=stp, kind=VisitKind.PERIODIC)
    Visit.objects.filter(pk=visit.pk).update(status="submitted", checked_in_at=at(date(2027, 3, 3)))
    add_finding(
        stp,
        "OSS-05",
        "major",
        date(2027, 3, 5),
        date(2027, 3, 26),
        visit=visit,
        answered=date(2027, 3, 10),
        state="accepted",
        author=inspector,
    )
    add_finding(w01, "OSS-10", "critical", date(2027, 3, 2), date(2027, 3, 9), author=inspector)
    add_finding(w01, "OSS-10", "minor", date(2027, 3, 20), date(2027, 5, 4), author=inspector)
    return world


class LocalStore:
    """The files of the test's FileSystemStorage, read and changed behind the application's back."""

    backend = "local"

    def __init__(self, root: Path):
        self.root = root

    def names(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())

    def read(self, name: str) -> bytes:
        return (self.root / name).read_bytes()

    def write(self, name: str, data: bytes) -> None:
        (self.root / name).write_bytes(data)

    def delete(self, name: str) -> None:
        (self.root / name).unlink()


class S3Store:
    """The objects of the test's bucket, read and changed over S3's HTTP API, not through the application."""

    backend = "s3"

    def __init__(self, client, bucket: str):
        self.client, self.bucket = client, bucket

    def names(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()

    def write(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)


@pytest.fixture(scope="session")
def s3_server():
    """One moto S3 server for the session (each test gets a bucket of its own)."""
    pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, settings, media_storage):
    """Where evidence and snapshots are kept: the real file-system storage, then the project's S3 storage
    (STORAGE_BACKEND=s3, backend.settings.s3_storage) on a fresh bucket of a real S3 HTTP endpoint."""
    if request.param == "local":
        return LocalStore(media_storage)
    from backend.settings import s3_storage

    server = request.getfixturevalue("s3_server")
    client = server.client()
    bucket = f"cchc-{uuid.uuid4().hex[:20]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": server.REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket, server.url, server.REGION, server.ACCESS_KEY, server.SECRET_KEY),
    }
    return S3Store(client, bucket)
