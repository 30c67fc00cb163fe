"""Users and their roles. A user belongs to one unit; what they see follows from role and unit."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    HOME_AFFAIRS = "home_affairs", _("Home Affairs reviewer")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    unit = models.ForeignKey(
        "inspections.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.UNIT_STAFF)
    language = models.CharField(
        _("language"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The name in Vietnamese order, family name first: "Nguyễn Thị Lan" (``last_name`` holds the family
        and middle names, ``first_name`` the given name)."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
