from django.core.management.base import BaseCommand, CommandError

from inspections.services.divisions import find_province, load_divisions


class Command(BaseCommand):
    help = (
        "Load Vietnam's provinces, wards and communes (vietnam-provinces package, official codes) and each "
        "province's standard departments into the org tree. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            metavar="CODE",
            help="Official province code, e.g. 79 for Hồ Chí Minh City (repeatable).",
        )

    def handle(self, *args, province=None, **options):
        try:
            provinces = [find_province(code) for code in province] if province else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = load_divisions(provinces)
        self.stdout.write(
            f"{len(report.provinces)} provinces: {report.created} units created, "
            f"{report.updated} updated, {report.unchanged} unchanged."
        )
