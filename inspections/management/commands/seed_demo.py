"""Demo users of every role in Hồ Chí Minh City, for `make run`. Refuses to run with DEBUG off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inspections.models import OrgUnit, Role, User

DEMO_PROVINCE = "79"
# username, role, unit code, full name, heads the unit?
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, None, ("Quản trị", "Hệ thống"), False),
    ("noivu", Role.HOME_AFFAIRS, "79-SNV", ("Lan", "Nguyễn Thị"), False),
    ("thanhtra", Role.INSPECTOR, "79-TTR", ("Minh", "Trần Văn"), False),
    ("truongphuong", Role.UNIT_HEAD, "26743", ("Hùng", "Lê Quốc"), True),
    ("canbophuong", Role.UNIT_STAFF, "26743", ("Mai", "Phạm Thị"), False),
    ("giamdocso", Role.UNIT_HEAD, "79-STP", ("Tuấn", "Võ Anh"), True),
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
    help = "Create demo users of every role in Hồ Chí Minh City (needs `load_divisions --province 79`)."

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
                geofence_latitude=lat, geofence_longitude=lon, geofence_radius_m=radius)
        rows = []
        for username, role, unit_code, (first, last), heads in DEMO_USERS:
            unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={"role": role, "unit": unit, "first_name": first, "last_name": last,
                          "is_staff": role == Role.ADMINISTRATOR, "is_superuser": role == Role.ADMINISTRATOR,
                          "email": f"{username}@demo.cchc.local"},
            )
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
            if heads:
                OrgUnit.objects.filter(pk=unit.pk).update(head=user)
            rows.append((username, demo_password(username), role.label, unit.name if unit else "—"))
        self.seed_plan()
        self.stdout.write("Demo sign-in details (username / password / role / unit):")
        for row in rows:
            self.stdout.write("  " + " / ".join(str(cell) for cell in row))

    def seed_plan(self):
        """An approved 2027 plan of the city, with two periodic visits and its surprise draw."""
        from datetime import date
        from decimal import Decimal

        from inspections.models import InspectionPlan
        from inspections.services.plans import add_periodic_visit, approve_plan, create_plan

        province = OrgUnit.objects.get(code=DEMO_PROVINCE)
        if InspectionPlan.objects.filter(authority=province, year=2027).exists():
            return
        reviewer = User.objects.get(username="noivu")
        team = [User.objects.get(username="thanhtra")]
        plan = create_plan(actor=reviewer, authority=province, title="Kế hoạch kiểm tra CCHC năm 2027", year=2027,
                           surprise_share=Decimal("1"), inspectors=team)
        add_periodic_visit(plan, OrgUnit.objects.get(code="79-STP"), date(2027, 3, 3), actor=reviewer)
        add_periodic_visit(plan, OrgUnit.objects.get(code="26743"), date(2027, 3, 4), actor=reviewer)
        approve_plan(plan, actor=reviewer, today=date(2026, 12, 1))
        self.stdout.write(f"Demo plan approved: {plan.title}, commitment {InspectionPlan.objects.get(pk=plan.pk).commitment}")
