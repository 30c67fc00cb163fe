"""The demo province's year so far, built through the real services at moments in the past (see the package's
docstring): the plan and its draw, the visits done, their findings and remediation, the cameras and their review,
today's reminder sweep."""

import hashlib
import io
import math
import random
import uuid
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageFilter

from inspections.demo.backdate import backdated, deliver_history
from inspections.demo.content import (
    CAMERAS,
    CONFIRM_NOTES,
    DISMISS_REASON,
    EXTENSION_REASON,
    FINDINGS,
    FIX,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    OFFICES,
    PERIODIC,
    REJECTIONS,
    ROUTINE_TIMES,
    SURNAMES,
    SURPRISE_FINDINGS,
    TEAM,
    Planned,
    made_up_office,
)
from inspections.demo.pictures import (
    CITIZEN_ZONE,
    FRAME,
    STAFF_ZONE,
    ascii_upper,
    counter_scene,
    empty_counter,
    encode,
    photo,
)
from inspections.models import (
    Answer,
    AnswerResult,
    Camera,
    CameraKey,
    Counter,
    Criterion,
    Evidence,
    Finding,
    InspectionPlan,
    Notification,
    OrgUnit,
    OrgUnitKind,
    Remediation,
    RemediationAnswer,
    ReviewState,
    Role,
    Snapshot,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
    VisitStatus,
)
from inspections.services import escalation, remediation, snapshots
from inspections.services import field as field_work
from inspections.services import snapshot_review as review
from inspections.services.calendar import (
    add_working_days,
    count_working_days,
    is_working_day,
    next_working_day,
)
from inspections.services.evidence import read_verified_file, store_answer_photo, store_photo
from inspections.services.plans import add_periodic_visit, approve_plan, assign_inspectors, create_plan


def offset(latitude: float, longitude: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point ``metres`` away in direction ``bearing`` (degrees from north), on a flat local map."""
    north, east = metres * math.cos(math.radians(bearing)), metres * math.sin(math.radians(bearing))
    return (
        round(latitude + north / 111_320, 7),
        round(longitude + east / (111_320 * math.cos(math.radians(latitude))), 7),
    )


@dataclass
class Summary:
    year: int
    plan: InspectionPlan
    camera_keys: list[tuple[str, str]] = field(default_factory=list)
    sweep: escalation.SweepResult | None = None

    def lines(self) -> list[str]:
        plan, province = self.plan, self.plan.authority
        visits = Tally(plan.visits.values_list("status", flat=True))
        kinds = Tally(plan.visits.exclude(status=VisitStatus.PLANNED).values_list("kind", flat=True))
        findings = Finding.objects.filter(
            unit__path__startswith=province.path, correction__isnull=True, captured_at__year=self.year
        )
        severities = Tally(findings.values_list("severity", flat=True))
        states = Tally(Remediation.objects.filter(finding__in=findings).values_list("state", flat=True))
        overdue = Remediation.objects.filter(
            finding__in=findings, state__in=escalation.WAITING_FOR_UNIT, deadline__lt=timezone.localdate()
        ).count()
        photos = Evidence.objects.filter(finding__in=findings).count()
        fix_photos = Evidence.objects.filter(answer__remediation__finding__in=findings).count()
        shots = Snapshot.objects.filter(camera__counter__unit__path__startswith=province.path)
        reviews = Tally(shots.exclude(review_state="").values_list("review_state", flat=True))
        lines = [
            f"Demo year {self.year}: {plan.title}, approved {timezone.localtime(plan.approved_at):%d/%m/%Y}",
            f"  visits: {visits[VisitStatus.SUBMITTED]} done ({kinds['periodic']} periodic, {kinds['surprise']} "
            f"surprise), {visits[VisitStatus.PLANNED]} planned",
            f"  findings: {severities['critical']} critical, {severities['major']} major, {severities['minor']} "
            f"minor ({findings.filter(source='cctv').count()} from CCTV); {photos} photos, {fix_photos} photos of fixes",
            "  remediation: "
            + ", ".join(
                f"{state} {states[state]}"
                for state in ("open", "answered", "accepted", "rejected", "closed", "withdrawn")
            )
            + f"; {overdue} overdue",
            f"  cameras: {Camera.objects.filter(counter__unit__path__startswith=province.path).count()}, "
            f"{shots.count()} snapshots analysed, {shots.exclude(primary_flag='').count()} flagged "
            f"({reviews['confirmed']} confirmed, {reviews['dismissed']} dismissed, {reviews['open']} to review)",
        ]
        if self.sweep is not None:
            lines.append(
                f"  sweep: {self.sweep.reminders} reminders, {self.sweep.escalations} escalations, "
                f"{self.sweep.notifications} notifications"
            )
        if self.camera_keys:
            lines.append("  camera API keys (shown once; X-Camera-Key of /api/cameras/snapshots):")
            lines += [f"    {name}: {key}" for name, key in self.camera_keys]
        return lines


class DemoYear:
    """Builds the province's current year up to today. ``build`` does nothing when the year's plan exists."""

    def __init__(self, province: OrgUnit, reviewer: User, inspector: User):
        self.province, self.reviewer, self.inspector = province, reviewer, inspector
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year = self.today.year
        self.first_day = next_working_day(date(self.year, 1, 1))
        self.rng = random.Random(f"cchc-demo-{self.year}")
        self.seed = 0

    # --- time ---

    def moment(self, day: date, at: time, jitter_minutes: int = 0) -> datetime:
        minutes = self.rng.randrange(jitter_minutes + 1) if jitter_minutes else 0
        return timezone.make_aware(datetime.combine(day, at)) + timedelta(minutes=minutes)

    def past(self, moment: datetime) -> bool:
        return moment < self.now - timedelta(minutes=30)

    @contextmanager
    def at(self, moment: datetime, *models) -> Iterator[None]:
        """The block's clock stamps in ``models`` dated ``moment`` (``backdate.backdated``)."""
        with backdated(moment, *models):
            yield

    def days_so_far(self) -> list[date]:
        day, days = self.first_day, []
        while day < self.today:
            if is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def day_for(self, when: tuple[str, float]) -> date:
        """A periodic visit's date: working days ago, a share of the year so far, or working days ahead; a
        date that the calendar does not allow (the year only starting, or nearly over) falls on the other side."""
        how, value = when
        so_far = self.days_so_far()
        last = next_working_day(date(self.year, 12, 31) - timedelta(days=10))
        ahead = [
            day
            for day in (add_working_days(self.today, int(value)), last)
            if self.today < day <= date(self.year, 12, 31) and is_working_day(day)
        ]
        if how == "ahead" and ahead:
            return ahead[0]
        if how == "ago" and so_far:
            return max(add_working_days(self.today, -int(value)), so_far[0])
        if how == "share" and so_far:
            return so_far[round(value * (len(so_far) - 1))]
        if so_far:
            return so_far[-1]
        return ahead[0] if ahead else next_working_day(self.today + timedelta(days=1))

    # --- people ---

    def team(self) -> list[User]:
        team = [self.inspector]
        for username, code, full_name in TEAM:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": Role.INSPECTOR,
                    "unit": OrgUnit.objects.get(code=code),
                    "full_name": full_name,
                    "email": f"{username}@demo.cchc.local",
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            team.append(user)
        return team

    def heads(self) -> None:
        """A head for every unit under the city that has none (no password: they are names on the board)."""
        units = list(OrgUnit.objects.filter(parent=self.province, head__isnull=True).order_by("code"))
        for unit in units:
            digest = hashlib.sha256(unit.code.encode()).digest()
            title = "giamdoc" if unit.kind == OrgUnitKind.DEPARTMENT else "chutich"
            username = f"{title}.{unit.code.lower()}"
            head, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": Role.UNIT_HEAD,
                    "unit": unit,
                    "email": f"{username}@demo.cchc.local",
                    "full_name": f"{SURNAMES[digest[1] % len(SURNAMES)]} {MIDDLE_NAMES[digest[2] % len(MIDDLE_NAMES)]} "
                    f"{GIVEN_NAMES[digest[0] % len(GIVEN_NAMES)]}",
                },
            )
            if created:
                head.set_unusable_password()
                head.save(update_fields=["password"])
            OrgUnit.objects.filter(pk=unit.pk).update(head=head)

    # --- the plan ---

    def approve(self, team: list[User]) -> InspectionPlan:
        """Drafted a week before its approval in mid-December of last year: the draw spreads over this year."""
        approved_on = next_working_day(date(self.year - 1, 12, 15))
        with self.at(self.moment(add_working_days(approved_on, -5), time(9, 30))):
            plan = create_plan(
                actor=self.reviewer,
                authority=self.province,
                year=self.year,
                title=f"Kế hoạch kiểm tra CCHC năm {self.year}",
                surprise_share=Decimal("0.8"),
                inspectors=team,
            )
            for code, when, _findings in PERIODIC:
                add_periodic_visit(
                    plan, OrgUnit.objects.get(code=code), self.day_for(when), actor=self.reviewer
                )
        with self.at(self.moment(approved_on, time(15, 0))):
            plan = approve_plan(plan, actor=self.reviewer, today=approved_on)
        with self.at(self.moment(add_working_days(approved_on, 1), time(9, 0))):
            busy: Tally = Tally()

            def eligible(visit: Visit) -> list[User]:  # never an inspector of the inspected unit
                return [person for person in team if not person.unit.path.startswith(visit.unit.path)]

            visits = sorted(
                plan.visits.select_related("unit"),
                key=lambda visit: (visit.planned_date, len(eligible(visit)), visit.pk),
            )
            for visit in visits:
                inspector = next(
                    person for person in eligible(visit) if busy[person.pk, visit.planned_date] < 2
                )
                assign_inspectors(visit, [inspector], actor=self.reviewer)
                busy[inspector.pk, visit.planned_date] += 1
        for visit in plan.visits.select_related("unit"):
            unit = visit.unit
            if not unit.has_geofence:
                latitude, longitude = OFFICES.get(unit.code) or made_up_office(unit.code)
                OrgUnit.objects.filter(pk=unit.pk).update(
                    geofence_latitude=latitude, geofence_longitude=longitude, geofence_radius_m=150
                )
        return plan

    # --- field work ---

    def visit(self, visit: Visit, planned: list[Planned]) -> None:
        """Check in on site, answer the checklist, record the findings with a photo each, submit."""
        visit = Visit.objects.select_related("unit").get(pk=visit.pk)
        unit = visit.unit
        assignment = (
            VisitAssignment.objects.filter(visit=visit).select_related("inspector").order_by("pk").first()
        )
        assert assignment is not None  # every visit of the demo plan is assigned (``approve``)
        inspector = assignment.inspector
        assert unit.geofence_latitude is not None and unit.geofence_longitude is not None
        position = offset(
            unit.geofence_latitude,
            unit.geofence_longitude,
            self.rng.uniform(15, 70),
            self.rng.uniform(0, 360),
        )
        arrived = self.moment(visit.planned_date, time(8, 0), 75)
        with self.at(arrived, Answer):
            field_work.check_in(
                visit,
                actor=inspector,
                latitude=position[0],
                longitude=position[1],
                accuracy_m=self.rng.uniform(8, 25),
                now=arrived,
                device_time=arrived + timedelta(seconds=self.rng.randint(-40, 40)),
            )
            found = {p.criterion for p in planned}
            for criterion in Criterion.objects.filter(template_id=Visit.objects.get(pk=visit.pk).template_id):
                if criterion.code not in found:
                    result = (
                        AnswerResult.NOT_APPLICABLE
                        if criterion.code == "OSS-08" and self.rng.random() < 0.3
                        else AnswerResult.PASS
                    )
                    field_work.answer_criterion(
                        visit, actor=inspector, criterion_code=criterion.code, result=result
                    )
        findings = []
        for number, item in enumerate(planned):
            moment = arrived + timedelta(minutes=25 + 15 * number)
            text, recommendation = FINDINGS[item.criterion]
            with self.at(moment, Answer, Finding, Evidence):
                photo_id = uuid.uuid4()
                finding = field_work.record_finding(
                    visit,
                    actor=inspector,
                    client_id=uuid.uuid4(),
                    criterion_code=item.criterion,
                    text=text,
                    severity=item.severity,
                    recommendation=recommendation,
                    latitude=position[0],
                    longitude=position[1],
                    captured_at=moment,
                    evidence_ids=[photo_id],
                    now=moment,
                )
                self.seed += 1
                store_photo(
                    actor=inspector,
                    evidence_id=photo_id,
                    finding_id=finding.uuid,
                    data=photo(
                        unit,
                        [f"{item.criterion}: {text}"],
                        moment,
                        position,
                        banner=(150, 30, 30),
                        seed=self.seed,
                    ),
                )
            findings.append((finding, item))
        left = arrived + timedelta(minutes=90 + 15 * len(planned))
        with self.at(left, Remediation, Notification):
            field_work.submit_visit(visit, actor=inspector, now=left)
        for index, (finding, item) in enumerate(findings):
            if item.arc == "withdrawn":
                with self.at(left + timedelta(hours=2), Finding, Remediation, Notification):
                    finding = field_work.correct_finding(
                        finding,
                        actor=inspector,
                        withdraw=True,
                        now=left + timedelta(hours=2),
                        reason="Ghi nhầm: hộp thư góp ý có ở tầng 2, đã kiểm tra lại cùng cán bộ đơn vị.",
                    )
                findings[index] = (finding, item)
            elif item.corrected_to:
                with self.at(left + timedelta(hours=2), Finding, Remediation):
                    finding = field_work.correct_finding(
                        finding,
                        actor=inspector,
                        severity=item.corrected_to,
                        reason="Đối chiếu sổ theo dõi hồ sơ: tỷ lệ trễ hạn vượt ngưỡng, nâng mức độ.",
                    )
                findings[index] = (finding, item)
        for finding, item in findings:
            if item.arc != "withdrawn":
                self.remediate(finding, item.arc, inspector)

    # --- remediation ---

    def arc(self, kind: str, found: date, deadline: date) -> list[tuple[date, str]]:
        """The moves of one finding's remediation, by working day (those still in the future do not happen)."""

        def day(base: date, count: int) -> date:
            return add_working_days(base, count)

        half = max(1, count_working_days(found, deadline) // 2)
        return {
            "closed": [
                (day(found, half), "answer"),
                (day(found, half + 2), "accept"),
                (day(found, half + 6), "verify"),
            ],
            "rejected_then_closed": [
                (day(found, 1), "answer_without_photo"),
                (day(found, 3), "reject"),
                (day(found, 6), "answer"),
                (day(found, 8), "accept"),
                (day(found, 12), "verify"),
            ],
            "accepted": [(day(found, half), "answer"), (day(found, half + 2), "accept")],
            "answered": [(day(found, max(1, 2 * half - 1)), "answer")],
            "late": [
                (day(deadline, 4), "answer"),
                (day(deadline, 7), "accept"),
                (day(deadline, 12), "verify"),
            ],
            "rejected": [(day(found, 2), "answer"), (day(found, 4), "reject")],
            "extension": [(day(found, 2), "extension"), (day(found, 3), "grant")],
            "delegated": [(day(found, 1), "assign"), (day(found, 4), "staff_answer")],
            "ignored": [],
            "open": [],
        }[kind]

    def remediate(self, finding: Finding, kind: str, inspector: User) -> None:
        """The moves of ``arc(kind)`` that are already in the past, by the unit's head (or the staff member the
        head assigned), the inspector of the visit, and Home Affairs for the extension."""
        found = timezone.localdate(finding.captured_at)
        head = finding.unit.head
        staff = User.objects.filter(unit=finding.unit, role=Role.UNIT_STAFF, is_active=True).first()
        hours = {
            "answer": time(16, 0),
            "answer_without_photo": time(16, 0),
            "staff_answer": time(16, 30),
            "accept": time(10, 0),
            "reject": time(10, 0),
            "verify": time(15, 0),
            "extension": time(9, 30),
            "grant": time(14, 30),
            "assign": time(8, 30),
        }
        photographed = False
        fix = Remediation.objects.get(finding=finding)
        for day, move in self.arc(kind, found, finding.deadline):
            moment = self.moment(day, hours[move], 40)
            if not self.past(moment) or head is None:
                return
            with self.at(moment, Remediation, RemediationAnswer, Evidence, Notification):
                if move in ("answer", "answer_without_photo", "staff_answer"):
                    author = staff if move == "staff_answer" and staff is not None else head
                    photos = ()
                    if move != "answer_without_photo":
                        self.seed += 1
                        upload = store_answer_photo(
                            actor=author,
                            evidence_id=uuid.uuid4(),
                            data=photo(
                                finding.unit,
                                [f"Da khac phuc {finding.criterion.code}"],
                                moment,
                                (finding.latitude or 10.77, finding.longitude or 106.70),
                                banner=(30, 120, 60),
                                seed=self.seed,
                            ),
                        )
                        photos = (upload.evidence.uuid,)
                    photographed = bool(photos)
                    recommendation = finding.recommendation or FINDINGS[finding.criterion.code][1]
                    remediation.answer(
                        fix,
                        remediation.AnswerInput(
                            plan_of_action=recommendation,
                            fix_done=FIX.format(recommendation.lower()),
                            fixed_on=day,
                            evidence_ids=photos,
                        ),
                        actor=author,
                        now=moment,
                    )
                elif move == "accept":
                    remediation.accept(fix, actor=inspector)
                elif move == "reject":
                    remediation.reject(fix, REJECTIONS[photographed], actor=inspector)
                elif move == "verify":
                    remediation.verify(fix, actor=inspector)
                elif move == "extension":
                    remediation.request_extension(
                        fix, add_working_days(finding.deadline, 10), EXTENSION_REASON, actor=head
                    )
                elif move == "grant":
                    remediation.decide_extension(fix, True, actor=self.reviewer)
                elif move == "assign" and staff is not None:
                    remediation.assign(fix, staff, actor=head)

    # --- counter cameras ---

    def cameras(self) -> list[tuple[str, str]]:
        """Four counters with a camera each, a few days of snapshots analysed as the worker would, and the review
        of what they raised: a queue at an empty counter confirmed, a power cut dismissed, the rest to review."""
        days = []
        day = self.today
        while len(days) < 4:
            day -= timedelta(days=1)
            if is_working_day(day):
                days.append(day)
        days.reverse()
        installed = self.moment(add_working_days(days[0], -40), time(10, 0))
        keys = []
        for code, name, wall, incident in CAMERAS:
            unit = OrgUnit.objects.get(code=code)
            if Counter.objects.filter(unit=unit, name=name).exists():
                continue
            with self.at(installed, Camera, CameraKey):
                camera = Camera.objects.create(
                    counter=Counter.objects.create(unit=unit, name=name),
                    name=f"Camera {name}",
                    staff_zone=STAFF_ZONE,
                    citizen_zone=CITIZEN_ZONE,
                )
                reference = encode(
                    empty_counter(FRAME, wall, unit.name, name),
                    seed=self.rng.randrange(10**6),
                    noise=2.0,
                    quality=90,
                )
                # A name of its own: the worker caches a camera's prepared reference by camera and file name.
                camera.reference_frame.save(
                    f"reference-{unit.code}-{slugify(ascii_upper(name))}.jpg", ContentFile(reference)
                )
                keys.append((f"{unit.name} — {name}", snapshots.issue_key(camera)))
            frames = [(self.moment(day, moment), "routine") for day in days for moment in ROUTINE_TIMES]
            frames += self.camera_incident(incident, days)
            for captured_at, kind in sorted(frames):
                self.snapshot(camera, unit, wall, captured_at, kind)
            self.review(camera, incident, days)
        return keys

    def camera_incident(self, incident: str, days: list[date]) -> list[tuple[datetime, str]]:
        if incident == "queue":  # nobody at the counter while citizens wait, three snapshots in a row; twice
            return [
                (self.moment(day, time(9, 30 + 5 * i)), "queue")
                for day in (days[1], days[3])
                for i in range(3)
            ]
        if incident == "covered":  # something hung over the lens for a while; again two days later
            return [
                (self.moment(day, time(15, 10 + 5 * i)), "covered")
                for day in (days[1], days[3])
                for i in range(2)
            ]
        if incident == "dark":  # lights off early in the morning
            return [(self.moment(days[0], time(7, 40 + 5 * i)), "dark") for i in range(3)]
        # a busy counter, then the recorder sending its last picture again; and the camera knocked aside
        return (
            [(self.moment(days[3], time(14, 0 + 5 * i)), "busy") for i in range(3)]
            + [(self.moment(days[3], time(14, 15 + 5 * i)), "frozen") for i in range(3)]
            + [(self.moment(days[2], time(16, 20)), "displaced")]
        )

    def snapshot(
        self, camera: Camera, unit: OrgUnit, wall: tuple[int, int, int], captured_at: datetime, kind: str
    ) -> None:
        self.seed += 1
        rng = random.Random(self.seed)
        working = snapshots.in_working_hours(camera, captured_at)
        people = rng.randrange(3) if working else 0

        def scene(staffed: bool, citizens: int) -> Image.Image:
            return counter_scene(
                FRAME, wall, unit.name, camera.counter.name, staffed=staffed, citizens=citizens, rng=rng
            )

        if kind == "frozen":  # the last picture again, re-encoded by the recorder (other bytes each time)
            last = Snapshot.objects.filter(camera=camera).latest("captured_at")
            with Image.open(io.BytesIO(read_verified_file(last.file_name, last.sha256))) as image:
                out = io.BytesIO()
                image.save(out, "JPEG", quality=88 - 4 * (self.seed % 5))
                data = out.getvalue()
        elif kind == "queue":
            data = encode(scene(False, rng.randint(1, 2)), seed=self.seed, gain=rng.uniform(0.9, 1.1))
        elif kind == "covered":
            cloth = Image.new("RGB", FRAME, (118, 108, 96)).filter(ImageFilter.GaussianBlur(5))
            data = encode(cloth, seed=self.seed, noise=1.5)
        elif kind == "dark":
            data = encode(scene(False, 0), seed=self.seed, gain=0.1)
        elif kind == "displaced":
            moved = scene(True, people).transform(FRAME, Image.Transform.AFFINE, (1, 0, 120, 0, 1, 30))
            data = encode(moved, seed=self.seed)
        elif kind == "busy":
            data = encode(scene(True, rng.randint(1, 2)), seed=self.seed)
        else:  # a working counter; nobody at lunch
            data = encode(scene(working, people), seed=self.seed, gain=rng.uniform(0.9, 1.1))
        with self.at(captured_at + timedelta(seconds=3), Snapshot):
            ingested = snapshots.ingest(camera, data, captured_at)
            # In real life the task worker analyses it; here it is analysed at once, by the same code.
            snapshots.run_analysis(ingested.snapshot.pk)

    def review(self, camera: Camera, incident: str, days: list[date]) -> None:
        """A queue at an empty counter and a covered lens are confirmed into findings (each day's apart), a power
        cut is dismissed, the rest waits for review."""
        flagged = Snapshot.objects.filter(camera=camera, review_state=ReviewState.OPEN)
        flag = {"queue": "queue_unstaffed", "covered": "covered"}.get(incident)
        if flag:  # each day's incident confirmed apart: the second one is a repeat finding at that unit
            for day in (days[1], days[3]):
                latest = (
                    flagged.filter(primary_flag=flag, captured_at__lt=self.moment(day, time(23, 0)))
                    .order_by("-captured_at")
                    .first()
                )
                if latest is not None:
                    with self.at(self.moment(day, time(17, 0))):
                        review.confirm(latest, actor=self.inspector, note=CONFIRM_NOTES[incident])
        elif incident == "dark":
            latest = flagged.filter(primary_flag="dark").order_by("-captured_at").first()
            if latest is not None:
                with self.at(self.moment(days[0], time(10, 0))):
                    review.dismiss(latest, actor=self.inspector, reason=DISMISS_REASON)

    # --- all of it ---

    def build(self) -> Summary | None:
        if InspectionPlan.objects.filter(authority=self.province, year=self.year).exists():
            return None
        first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        team = self.team()
        self.heads()
        plan = self.approve(team)
        periodic = {code: planned for code, _when, planned in PERIODIC}
        done = list(
            plan.visits.filter(planned_date__lt=self.today)
            .select_related("unit")
            .order_by("planned_date", "pk")
        )
        surprises = 0
        for visit in done:
            if visit.unit.code in periodic and visit.kind == VisitKind.PERIODIC:
                planned = periodic[visit.unit.code]
            else:
                planned = SURPRISE_FINDINGS[surprises % len(SURPRISE_FINDINGS)]
                surprises += 1
            self.visit(visit, planned)
        summary = Summary(self.year, InspectionPlan.objects.select_related("authority").get(pk=plan.pk))
        summary.camera_keys = self.cameras()
        deliver_history(first_notification, self.now)
        summary.sweep = escalation.sweep(now=self.now)
        return summary
