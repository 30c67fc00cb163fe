"""Loaders of cameras for the relations of the review queue's snapshots."""

from apikit.dataloaders import DataLoader, by_key
from inspections.models import Camera, Counter


class CameraByIdLoader(DataLoader):
    """Cameras by id with their counter and its unit (the snapshot that names one was already the caller's)."""

    def batch_load(self, keys):
        return by_key(
            Camera.objects.filter(pk__in=keys).select_related("counter__unit"), lambda c: c.pk, keys
        )


class CounterByIdLoader(DataLoader):
    """Counters by id with their unit."""

    def batch_load(self, keys):
        return by_key(Counter.objects.filter(pk__in=keys).select_related("unit"), lambda c: c.pk, keys)
