"""Demo data for `make run`: users of every role in Hồ Chí Minh City, the city's current year so far (plan,
visits, findings, remediation, cameras: ``inspections.demo``) and next year's approved plan. Idempotent: what
exists is left alone. Refuses to run with DEBUG off."""

import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inspections.models import OrgUnit, Role, User

DEMO_PROVINCE = "79"
# username, role, unit code, full name (family name first), heads the unit?
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, None, "Quản trị Hệ thống", False),
    ("noivu", Role.HOME_AFFAIRS, "79-SNV", "Nguyễn Thị Lan", False),
    ("thanhtra", Role.INSPECTOR, "79-TTR", "Trần Văn Minh", False),
    ("truongphuong", Role.UNIT_HEAD, "26743", "Lê Quốc Hùng", True),
    ("canbophuong", Role.UNIT_STAFF, "26743", "Phạm Thị Mai", False),
    ("giamdocso", Role.UNIT_HEAD, "79-STP", "Võ Anh Tuấn", True),
]
# Office positions for check-in geofences (latitude, longitude, radius in metres).
DEMO_GEOFENCES = {
    "79": (10.7769, 106.7009, 300),
    "26743": (10.7721, 106.6983, 150),  # UBND phường Bến Thành
    "79-STP": (10.7795, 106.6990, 150),
}


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


class Command(BaseCommand):
    help = (
        "Create demo users of every role in Hồ Chí Minh City, its current year so far and next year's plan "
        "(needs `load_divisions --province 79`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo users have known passwords: run with DEBUG=1 (or --force).")
        if not OrgUnit.objects.filter(code=DEMO_PROVINCE).exists():
            raise CommandError("Load the province first: manage.py load_divisions --province 79")
        for code, (lat, lon, radius) in DEMO_GEOFENCES.items():
            OrgUnit.objects.filter(code=code).update(
                geofence_latitude=lat, geofence_longitude=lon, geofence_radius_m=radius
            )
        rows = []
        for username, role, unit_code, full_name, heads in DEMO_USERS:
            unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "role": role,
                    "unit": unit,
                    "full_name": full_name,
                    # Home Affairs signs in to the web board through the admin's login page.
                    "is_staff": role in (Role.ADMINISTRATOR, Role.HOME_AFFAIRS),
                    "is_superuser": role == Role.ADMINISTRATOR,
                    "email": f"{username}@demo.cchc.local",
                },
            )
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
            if heads:
                OrgUnit.objects.filter(pk=unit.pk).update(head=user)
            rows.append((username, demo_password(username), role.label, unit.name if unit else "—"))
        self.seed_year()
        self.seed_plan()
        self.stdout.write("Demo sign-in details (username / password / role / unit):")
        for row in rows:
            self.stdout.write("  " + " / ".join(str(cell) for cell in row))

    def seed_year(self):
        """The city's current year up to today: see ``inspections.demo``."""
        from inspections.demo.year import DemoYear

        province = OrgUnit.objects.get(code=DEMO_PROVINCE)
        started = time.monotonic()
        year = DemoYear(
            province,
            reviewer=User.objects.get(username="noivu"),
            inspector=User.objects.get(username="thanhtra"),
        )
        summary = year.build()
        if summary is None:
            self.stdout.write(f"Demo year {year.year}: the city's plan exists, left as it is.")
            return
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"  (built in {time.monotonic() - started:.1f} s; unit heads and the extra inspectors "
            "have no password: set one in the admin to sign in as them)"
        )

    def seed_plan(self):
        """Next year's approved plan of the city, with two periodic visits and its surprise draw."""
        from decimal import Decimal

        from django.utils import timezone

        from inspections.models import InspectionPlan
        from inspections.services.calendar import next_working_day
        from inspections.services.plans import add_periodic_visit, approve_plan, create_plan

        province = OrgUnit.objects.get(code=DEMO_PROVINCE)
        year = timezone.localdate().year + 1
        if InspectionPlan.objects.filter(authority=province, year=year).exists():
            return
        reviewer = User.objects.get(username="noivu")
        team = [User.objects.get(username="thanhtra")]
        plan = create_plan(
            actor=reviewer,
            authority=province,
            title=f"Kế hoạch kiểm tra CCHC năm {year}",
            year=year,
            surprise_share=Decimal("1"),
            inspectors=team,
        )
        first = next_working_day(date(year, 3, 3))
        add_periodic_visit(plan, OrgUnit.objects.get(code="79-STP"), first, actor=reviewer)
        add_periodic_visit(
            plan,
            OrgUnit.objects.get(code="26743"),
            next_working_day(first + timedelta(days=1)),
            actor=reviewer,
        )
        approve_plan(plan, actor=reviewer)
        self.stdout.write(
            f"Demo plan approved: {plan.title}, commitment {InspectionPlan.objects.get(pk=plan.pk).commitment}"
        )
