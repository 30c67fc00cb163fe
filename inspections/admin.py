"""Django admin for the org tree and users. Non-superuser staff see only the units they may see."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from inspections.models import (
    AuditAction,
    AuditEntry,
    Camera,
    ChecklistTemplate,
    Counter,
    Criterion,
    Evidence,
    Finding,
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Remediation,
    RemediationAnswer,
    Role,
    Snapshot,
    User,
    Visit,
    VisitStatus,
)
from inspections.services.audit import record
from inspections.services.evidence import TamperedEvidence, read_verified_file
from inspections.services.visibility import (
    unit_scope,
    visible_findings,
    visible_plans,
    visible_units,
    visible_visits,
)


class AuditedAdmin:
    """Every change this admin allows is also written to the application's audit log (surface ADMIN, set by
    AuditSurfaceMiddleware), not only to Django's admin log: additions, changes (with Django's change
    message, inlines included) and deletions, single or bulk."""

    def log_addition(self, request, obj, message):
        record(request.user, None, AuditAction.ADMIN_ADD, obj, _admin_data(obj, message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(request.user, None, AuditAction.ADMIN_CHANGE, obj, _admin_data(obj, message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(request.user, None, AuditAction.ADMIN_DELETE, obj, _admin_data(obj, str(obj)))
        return super().log_deletions(request, queryset)


def _admin_data(obj, message) -> dict:
    return {"model": obj._meta.label, "object": str(obj)[:200], "change": message if message else ""}


class ProvinceFilter(admin.SimpleListFilter):
    """Tree-aware filter: everything under one province."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = visible_units(request.user).filter(depth=1).order_by("name")
        return [(unit.path, unit.name) for unit in provinces]

    def queryset(self, request, queryset):
        if self.value():
            prefix = "" if queryset.model is OrgUnit else "unit__"
            return queryset.filter(**{f"{prefix}path__startswith": self.value()})
        return queryset


class DepthFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "depth"

    def lookups(self, request, model_admin):
        return [("1", _("Province")), ("2", _("Second level")), ("3", _("Third level"))]

    def queryset(self, request, queryset):
        return queryset.filter(depth=int(self.value())) if self.value() in {"1", "2", "3"} else queryset


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin, TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ("name", "code", "kind", "head", "address")
    list_filter = ("kind", ProvinceFilter, DepthFilter)
    search_fields = ("code", "name", "search_name")
    autocomplete_fields = ("head",)
    list_select_related = ("head",)

    def get_queryset(self, request):
        scope = unit_scope(request.user)
        if scope.everything:
            return super().get_queryset(request)  # the drill-down tree, one level at a time
        # Anyone scoped to part of the tree gets the flat list of exactly what they may see: the tree's
        # root level and its drill-down lookups would otherwise start from units outside their scope.
        return OrgUnit.objects.filter(scope.as_q()).select_related("head")

    def is_filtered(self, request) -> bool:
        return super().is_filtered(request) or not unit_scope(request.user).everything


def _one_name(fields: tuple) -> tuple:
    names = ("first_name", "last_name")
    if not any(name in fields for name in names):
        return fields
    return ("full_name", *(name for name in fields if name not in names))


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active")
    list_filter = ("role", ProvinceFilter, "is_active", "is_staff")
    list_select_related = ("unit",)
    search_fields = ("username", "full_name", "email", "unit__name", "unit__code")
    ordering = ("username",)
    autocomplete_fields = ("unit",)
    # Django's sets, with the one full name (family name first) where it has first and last names.
    fieldsets = (
        *(
            (title, {**options, "fields": _one_name(options["fields"])})
            for title, options in DjangoUserAdmin.fieldsets
        ),
        (_("Role and unit"), {"fields": ("role", "unit", "language", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and unit"), {"fields": ("full_name", "role", "unit", "language")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(unit_scope(request.user).as_q("unit__"))

    actions = ["start_password_reset"]

    @admin.action(description=_("Start a password reset (a one-time link to hand over)"))
    def start_password_reset(self, request, queryset):
        from inspections.services.accounts import start_password_reset

        for user in queryset:
            link = request.build_absolute_uri(start_password_reset(user, actor=request.user))
            self.message_user(request, format_html(_("Reset link for {}: {}"), user.username, link))


admin.site.site_header = _("CCHC inspections")
admin.site.site_title = _("CCHC inspections")
__all__ = ["OrgUnitAdmin", "UserAdmin", "OrgUnitKind"]


class InspectionPlanForm(forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = (
            "authority",
            "title",
            "year",
            "quarter",
            "coverage_target",
            "scope",
            "surprise_share",
            "inspectors",
        )

    def clean(self):
        """The rule of the API: one plan per authority and period (a year overlaps its quarters)."""
        from inspections.services.plans import check_no_overlap

        data = super().clean()
        if data.get("authority") and data.get("year"):
            try:
                check_no_overlap(
                    data["authority"],
                    data["year"],
                    data.get("quarter"),
                    excluding=self.instance if self.instance.pk else None,
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return data


@admin.register(InspectionPlan)
class InspectionPlanAdmin(AuditedAdmin, admin.ModelAdmin):
    """A draft plan may be edited here; an approved or closed plan is read-only (its draw is committed)."""

    form = InspectionPlanForm
    list_display = ("title", "authority", "year", "quarter", "status", "approved_at")
    list_filter = ("status", "year", "scope")
    search_fields = ("title", "authority__name", "authority__code")
    list_select_related = ("authority",)
    # The draw is made by approving through the API; its published fields are read-only here.
    readonly_fields = (
        "status",
        "commitment",
        "algorithm_version",
        "inputs_digest",
        "published_inputs",
        "revealed_seed",
        "approved_by",
        "approved_at",
        "closed_at",
        "created_by",
    )
    autocomplete_fields = ("authority", "inspectors")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_plans(request.user).values("pk"))

    def has_change_permission(self, request, obj=None):
        # Without the change permission Django shows the object read-only (its view page).
        if obj is not None and obj.status != PlanStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != PlanStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # an approved plan is never deleted, even in bulk
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Visit)
class VisitAdmin(AuditedAdmin, admin.ModelAdmin):
    """Non-superusers see exactly what the API shows them: a surprise visit stays hidden from the inspected
    unit until check-in. Visits are made by plans and moved by the field work: nothing of a visit under way or
    submitted (status, check-in time and position…) changes here, and no visit is added or deleted."""

    list_display = ("unit", "kind", "planned_date", "status", "plan")
    list_filter = ("kind", "status")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "plan")
    readonly_fields = (
        "uuid",
        "plan",
        "unit",
        "kind",
        "planned_date",
        "status",
        "checked_in_at",
        "checked_in_by",
        "check_in_latitude",
        "check_in_longitude",
        "check_in_accuracy_m",
        "check_in_distance_m",
        "check_in_reason",
        "check_in_device_time",
        "check_in_flags",
        "submitted_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_visits(request.user).values("pk"))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != VisitStatus.PLANNED:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the API (with their rules and audit), shown here for reading."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("position", "code", "area", "default_severity", "text_vi", "text_en")
    ordering = ("position",)


class PublishedCriterionInline(CriterionInline):
    """The criteria of a version visits already use: shown, never changed (copy the version to change them)."""

    readonly_fields = CriterionInline.fields
    can_delete = False
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    """A new version is made by copying one ("Copy as a new version"): a version that visits already use is
    kept as it is, its criteria shown read-only; only whether it is offered for new visits may change."""

    list_display = ("code", "version", "name_vi", "is_active", "criteria_count", "created_at")
    list_filter = ("code", "is_active")
    inlines = [CriterionInline]
    actions = ["copy_as_new_version"]

    @staticmethod
    def in_use(obj) -> bool:
        return obj is not None and obj.pk is not None and Visit.objects.filter(template=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        if self.in_use(obj):
            return ("code", "version", "name_vi", "name_en")
        return ()

    def get_inlines(self, request, obj):
        return [PublishedCriterionInline] if self.in_use(obj) else self.inlines

    def has_delete_permission(self, request, obj=None):
        return not self.in_use(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a version in use is never deleted, even in bulk
        return actions

    @admin.display(description=_("criteria"))
    def criteria_count(self, obj):
        return obj.criteria.count()

    @admin.action(description=_("Copy as a new version (not offered until activated)"))
    def copy_as_new_version(self, request, queryset):
        from inspections.services.checklists import copy_template

        for template in queryset:
            copy = copy_template(template, actor=request.user)
            self.message_user(
                request,
                _("Version %(version)s of %(code)s made: edit its criteria, then offer it for new visits.")
                % {"version": copy.version, "code": copy.code},
            )


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("unit", "criterion", "severity", "deadline", "version", "created_at")
    list_filter = ("severity",)
    search_fields = ("unit__name", "unit__code", "text")
    list_select_related = ("unit", "criterion")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_findings(request.user).values("pk"))


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("uuid", "finding", "content_type", "size", "captured_at", "stored_at")
    readonly_fields = ("preview",)
    list_select_related = ("finding__unit", "finding__criterion")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(finding__in=visible_findings(request.user).values("pk"))

    @admin.display(description=_("thumbnail"))
    def preview(self, obj):
        if obj.stored_at is None:
            return "—"
        return format_html('<img src="/api/evidence/{}/thumbnail" alt="" style="max-width:320px">', obj.uuid)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The append-only audit log, for administrators."""

    list_display = ("at", "actor", "device_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor__username", "action")
    list_select_related = ("actor",)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and (
            request.user.is_superuser or request.user.role == Role.ADMINISTRATOR
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class CameraInline(admin.StackedInline):
    model = Camera
    extra = 0
    fields = (
        "name",
        "is_active",
        "reference_frame",
        "zone_preview",
        "staff_zone",
        "citizen_zone",
        ("work_start", "work_end"),
        ("break_start", "break_end"),
    )
    readonly_fields = ("zone_preview",)

    @admin.display(description=_("zones on the reference frame"))
    def zone_preview(self, obj):
        return zone_preview_html(obj)


def zone_preview_html(camera) -> str:
    """The reference frame with both zones drawn on it, inline (no public media URL is needed)."""
    import base64

    import cv2
    import numpy as np

    from inspections.cctv.zones import ZoneError, draw_zones

    if camera is None or not camera.pk or not camera.reference_frame:
        return _("Upload a reference frame (the empty counter) to see the zones on it.")
    try:
        data = read_verified_file(camera.reference_frame.name, camera.reference_sha256)
    except TamperedEvidence:
        return _(
            "The reference frame in storage is not the one uploaded (its SHA-256 differs): upload it again."
        )
    try:
        frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if frame is None:
            return _("The reference frame is not a readable image.")
        scale = 640 / frame.shape[1]
        frame = cv2.resize(frame, (640, round(frame.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        ok, png = cv2.imencode(".png", draw_zones(frame, camera.staff_zone, camera.citizen_zone))
    except (OSError, ZoneError) as error:
        return str(error)
    return format_html(
        '<img src="data:image/png;base64,{}" alt="" width="640">',
        base64.b64encode(png.tobytes()).decode("ascii"),
    )


@admin.register(Counter)
class CounterAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "unit")
    search_fields = ("name", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    inlines = [CameraInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=visible_units(request.user).values("pk"))


@admin.register(Camera)
class CameraAdmin(AuditedAdmin, admin.ModelAdmin):
    """Cameras, their zones and their API keys: "issue a new key" shows the key once; revoking is immediate."""

    list_display = ("name", "counter", "is_active", "active_keys")
    list_select_related = ("counter__unit",)
    readonly_fields = ("zone_preview",)
    fields = (
        "counter",
        "name",
        "is_active",
        "reference_frame",
        "zone_preview",
        "staff_zone",
        "citizen_zone",
        ("work_start", "work_end"),
        ("break_start", "break_end"),
    )
    actions = ["issue_key", "revoke_all_keys"]

    def get_queryset(self, request):
        units = visible_units(request.user).values("pk")
        return super().get_queryset(request).filter(counter__unit__in=units)

    @admin.display(description=_("zones on the reference frame"))
    def zone_preview(self, obj):
        return zone_preview_html(obj)

    @admin.display(description=_("active API keys"))
    def active_keys(self, obj):
        return obj.keys.filter(revoked_at=None).count()

    @admin.action(description=_("Issue a new API key (shown once)"))
    def issue_key(self, request, queryset):
        from inspections.services.snapshots import issue_key

        for camera in queryset:
            key = issue_key(camera)
            record(request.user, None, AuditAction.ADMIN_ACTION, camera, {"action": "issue_key"})
            self.message_user(
                request,
                _("Key for %(camera)s (copy it now, it is not shown again): %(key)s")
                % {"camera": camera.name, "key": key},
            )

    @admin.action(description=_("Revoke all API keys"))
    def revoke_all_keys(self, request, queryset):
        from inspections.services.snapshots import revoke_keys

        revoked = 0
        for camera in queryset:
            count = revoke_keys(camera)
            record(
                request.user,
                None,
                AuditAction.ADMIN_ACTION,
                camera,
                {"action": "revoke_keys", "count": count},
            )
            revoked += count
        self.message_user(request, _("%(count)d key(s) revoked.") % {"count": revoked})


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("camera", "captured_at", "status", "primary_flag", "review_state", "in_working_hours")
    list_filter = ("status", "primary_flag", "review_state", "in_working_hours")
    list_select_related = ("camera",)

    def get_queryset(self, request):
        from inspections.services.snapshot_review import reviewable_snapshots

        return super().get_queryset(request).filter(pk__in=reviewable_snapshots(request.user).values("pk"))


class RemediationAnswerInline(admin.TabularInline):
    model = RemediationAnswer
    extra = 0
    fields = (
        "number",
        "plan_of_action",
        "fix_done",
        "fixed_on",
        "accountable",
        "drafted_by",
        "decision",
        "decision_reason",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Remediation)
class RemediationAdmin(ReadOnlyAdmin):
    """Remediation moves happen through the API (with their rules); the admin shows them."""

    list_display = ("finding", "unit", "state", "deadline", "original_deadline", "assignee")
    list_filter = ("state",)
    search_fields = ("unit__name", "unit__code", "finding__text")
    list_select_related = ("finding__unit", "finding__criterion", "unit", "assignee")
    inlines = [RemediationAnswerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(finding__in=visible_findings(request.user).values("pk"))
