from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.services.visibility import unit_scope

from .models import DeviceSession


@admin.register(DeviceSession)
class DeviceSessionAdmin(admin.ModelAdmin):
    list_display = (
        "device_name",
        "user",
        "token_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "created_at")
    search_fields = ("device_name", "user__username", "token_prefix")
    readonly_fields = ("user", "token_prefix", "created_at", "last_used_at", "expires_at", "ip_address")
    list_select_related = ("user",)
    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(unit_scope(request.user).as_q("user__unit__"))

    def has_add_permission(self, request):
        return False  # tokens are issued by signing in on the phone, never typed in

    @admin.action(description=_("Revoke the selected devices"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d devices revoked.") % {"count": count})
