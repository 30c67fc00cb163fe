from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Administrative-reform inspections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inspections.services import risk

        risk.register()
