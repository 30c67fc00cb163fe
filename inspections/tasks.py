"""Background work, through Django's Tasks API (the django-tasks backport; django-tasks-db by default, whose
worker `manage.py task_worker` `make run` starts). The same code runs on any other Tasks backend."""

from django_tasks import task

from inspections.services.snapshots import analyse_snapshot  # defined beside its work, so ingest can queue it

__all__ = ["analyse_snapshot", "purge_snapshots", "remediation_sweep"]


@task()
def purge_snapshots() -> dict:
    """Delete snapshots past CCTV_RETENTION_DAYS (confirmed ones are kept), the files no kept one uses and the
    originals a killed process left behind."""
    from inspections.services.snapshots import purge_snapshots as purge

    result = purge()
    return {"snapshots": result.snapshots, "files": result.files, "originals": result.originals}


@task()
def remediation_sweep() -> dict:
    """Reminders and escalations of open findings (safe to run twice: each is sent once)."""
    from inspections.services.escalation import sweep

    result = sweep()
    return {
        "reminders": result.reminders,
        "escalations": result.escalations,
        "notifications": result.notifications,
    }
