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
    # One name, as Vietnamese write it, family name first ("Nguyễn Thị Lan"): splitting it into a Western
    # first and last name put it in the wrong order on every page, export and e-mail.
    full_name = models.CharField(
        _("full name"),
        max_length=300,
        blank=True,
        db_index=True,
        help_text=_("Family name first, as written: Nguyễn Thị Lan."),
    )
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The name in Vietnamese order, family name first: "Nguyễn Thị Lan"."""
        return self.full_name.strip()

    def get_short_name(self) -> str:
        """The given name (the last word of the full name), as colleagues are addressed: "Lan"."""
        words = self.full_name.split()
        return words[-1] if words else self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
