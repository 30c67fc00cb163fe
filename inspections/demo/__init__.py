"""The demo province's year so far, for `make run` (``manage.py seed_demo``); no runtime code imports it.

Hồ Chí Minh City's plan for the current year, approved last December, with what an inspection programme has
behind it by today (``timezone.localdate()``): the visits of the past months done (periodic and surprise,
checked in inside the geofence), findings of every severity with photos, remediation in every state (some
overdue, one extended, one delegated), counter cameras with analysed snapshots and their review, and a
reminder sweep. Visits from today on stay planned.

- ``content``: the Vietnamese tables (names, what is found and answered, which unit when, offices, cameras);
- ``pictures``: the demo's own images (counter scenes, phone photos with EXIF, camera frames), Pillow and OpenCV;
- ``year``: ``DemoYear``, which walks the tables through the services the phones and the web use;
- ``backdate``: the only writes behind the services' back, moving the real-clock stamps of each step back to
  the moment of that step (the audit log is left as written).

Made up for the demo, and said where it is done: the office positions (geofences) of visited units the demo
does not know, the names of the unit heads, and the delivery of the notices of past months (marked sent, so
that only today's sweep e-mails anything).
"""

from inspections.demo.year import DemoYear, Summary

__all__ = ["DemoYear", "Summary"]
