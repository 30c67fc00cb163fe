"""The web compliance board: ``GET /board/``, for Home Affairs (and whoever else may see a board).

The page is rendered here once with the board as it stands (so it reads without JavaScript); then
``static/board/board.js`` takes over: it fetches ``board(...)`` from ``/graphql/`` with the session cookie and
the CSRF token, draws the month chart, shows a unit's findings when its row is clicked, and keeps the rows up
to date through the ``boardUpdated`` subscription over WebSocket.

Parameters: ``authority`` (an OrgUnit global id; default: the user's province, the root of their unit),
``year`` (default: this year), ``kind``, ``severity``, ``sort`` (GraphQL enum names, as the API takes them) and
``lang`` (``vi`` or ``en``; remembered in Django's language cookie). Who may see which board is decided by
``inspections.services.board.may_see_board``, as for the API: anyone else gets a 403 page that says so.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET
from graphql_relay import to_global_id

from apikit.types import decode_id
from inspections.models import AnswerResult, OrgUnit, OrgUnitKind, RemediationState, Severity
from inspections.services import board as board_service
from inspections.services.board import SORTS
from inspections.services.visibility import is_administrator

BOARD_LANGUAGES = ("vi", "en")
SORT_CHOICES = ("RANK", "NAME", "CODE", "OVERDUE", "FINDINGS")
MAX_ROWS = settings.GRAPHENE.get("RELAY_CONNECTION_MAX_LIMIT", 500)  # one page of rows, as the API allows


def _global_id(type_name: str, pk: int) -> str:
    return to_global_id(type_name, str(pk))


def board_language(request: HttpRequest) -> tuple[str, bool]:
    """The page's language and whether the request chose it (``?lang=``). Otherwise what LocaleMiddleware
    found (the language cookie, then Accept-Language), Vietnamese by default."""
    asked = request.GET.get("lang", "")
    if asked in BOARD_LANGUAGES:
        return asked, True
    current = (getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or "vi").lower()
    return ("en" if current.startswith("en") else "vi"), False


def board_authority(request: HttpRequest) -> OrgUnit | None:
    """``?authority=`` when given (None when it names nothing), else the root of the user's unit (their
    province); an administrator without a unit gets the first province. The head of an inspecting authority
    under the province (a unit with units under it), who may not see the province's board, gets their own."""
    asked = request.GET.get("authority")
    if asked:
        pk = decode_id(asked, "OrgUnit")
        return OrgUnit.objects.filter(pk=pk).first() if pk else None
    user = request.user
    unit = user.unit
    if unit is None:
        return OrgUnit.get_root_nodes().order_by("code").first() if is_administrator(user) else None
    province = OrgUnit.objects.filter(path=unit.path[: OrgUnit.steplen]).first()
    if (
        province is not None
        and not board_service.may_see_board(user, province)
        and unit.numchild
        and board_service.may_see_board(user, unit)
    ):
        return unit
    return province


def board_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _enum_param(request: HttpRequest, name: str, names: list[str] | tuple[str, ...]) -> str:
    value = request.GET.get(name, "")
    return value if value in names else ""


def js_strings() -> dict[str, str]:
    """Every text board.js shows, in the active language."""
    return {
        "loading": _("Loading…"),
        "loadFailed": _("The board could not be loaded: %(error)s"),
        "noBoard": _("You may not see this board."),
        "noRows": _("No units match these filters."),
        "statusGREEN": _("On track"),
        "statusAMBER": _("Needs attention"),
        "statusRED": _("Alert"),
        "visited": _("Visited"),
        "notVisited": _("Not visited yet"),
        "visitsDetail": _("%(periodic)s periodic, %(surprise)s surprise"),
        "noHead": _("No head named"),
        "coverageText": _("%(visited)s of %(target)s units visited"),
        "noTarget": _("No approved plan for this year yet."),
        "cctvDetail": _("Cameras tampered with in %(share)s of recent snapshots"),
        "repeatDetail": _("%(count)s repeat findings"),
        "findingsAt": _("Findings at %(unit)s"),
        "findingsLoading": _("Loading findings…"),
        "findingsFailed": _("The findings could not be loaded: %(error)s"),
        "noFindings": _("No current findings at this unit."),
        "moreFindings": _("The first %(shown)s of %(total)s findings."),
        "close": _("Close"),
        "deadline": _("Deadline: %(date)s"),
        "remediation": _("Remediation: %(state)s, due %(date)s"),
        "noRemediation": _("No remediation yet (the visit is not submitted)."),
        "photoPending": _("Photo not uploaded yet"),
        "photoAlt": _("Photo of the finding"),
        "connecting": _("Connecting to live updates…"),
        "live": _("Live: changes appear as they happen"),
        "reconnecting": _("Live updates interrupted; reconnecting…"),
        "updated": _("Updated just now"),
        "chartCoverage": _("Coverage of the target"),
        "chartOnTime": _("Remediation on time"),
        "chartMonth": _("Month"),
        "chartEmpty": _("No figures yet."),
        "chartPoint": _("Month %(month)s: %(value)s"),
        "showFindings": _("Show the findings of %(unit)s"),
        "checklistResults": _("Checklist results"),
        "checklistOf": _("Visit of %(date)s: %(failed)s of %(total)s criteria failed"),
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _initial_rows(rows: list[board_service.BoardRow]) -> list[dict]:
    """The rows as the template shows them (board.js draws the same cells)."""
    return [
        {
            "row": row,
            "id": _global_id("OrgUnit", row.unit.pk),
            "score": formats.number_format(row.score, 1),
            "on_time": _percent(row.on_time_rate),
            "status_label": {"green": _("On track"), "amber": _("Needs attention"), "red": _("Alert")}[
                row.status
            ],
            "total_visits": row.periodic_visits + row.surprise_visits,
        }
        for row in rows[:MAX_ROWS]
    ]


def _switch_url(request: HttpRequest, lang: str) -> str:
    params = {key: value for key, value in request.GET.items() if key != "lang"}
    params["lang"] = lang
    return f"{request.path}?{urlencode(params)}"


@require_GET
@login_required
@ensure_csrf_cookie
def board_page(request: HttpRequest) -> HttpResponse:
    lang, chosen = board_language(request)
    with translation.override(lang):
        response = _render_board(request, lang)
    response.headers["Content-Language"] = lang
    if chosen:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _render_board(request: HttpRequest, lang: str) -> HttpResponse:
    user = request.user
    authority = board_authority(request)
    year = board_year(request)
    kinds = [(value.upper(), label) for value, label in OrgUnitKind.choices if value != OrgUnitKind.PROVINCE]
    severities = [(value.upper(), label) for value, label in reversed(Severity.choices)]
    sorts = [
        ("RANK", _("Rank")),
        ("NAME", _("Name")),
        ("CODE", _("Code")),
        ("OVERDUE", _("Most overdue")),
        ("FINDINGS", _("Most findings")),
    ]
    kind = _enum_param(request, "kind", [value for value, _label in kinds])
    severity = _enum_param(request, "severity", [value for value, _label in severities])
    sort = _enum_param(request, "sort", SORT_CHOICES) or "RANK"
    context = {
        "lang": lang,
        "year": year,
        "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1)),
        "kinds": kinds,
        "severities": severities,
        "sorts": sorts,
        "kind": kind,
        "severity": severity,
        "sort": sort,
        "switch_to": [(code, _switch_url(request, code)) for code in BOARD_LANGUAGES if code != lang],
        "board": None,
    }
    if authority is None or not board_service.may_see_board(user, authority):
        return render(request, "board/board.html", context, status=403)

    result = board_service.board(
        user, authority, year, kind=kind.lower() or None, severity=severity.lower() or None
    )
    result.rows.sort(key=SORTS[sort.lower()])
    authority_id = _global_id("OrgUnit", authority.pk)
    context.update(
        {
            "board": result,
            "authority": authority,
            "authority_id": authority_id,
            "rows": _initial_rows(result.rows),
            "coverage_percent": min(100, round((result.coverage or 0) * 100)),
            "coverage_label": _percent(result.coverage),
            "red_below": settings.BOARD_RED_BELOW,
            "amber_below": settings.BOARD_AMBER_BELOW,
            "config": {
                "lang": lang,
                "authorityId": authority_id,
                "authorityName": authority.name,
                "year": year,
                "filters": {"kind": kind, "severity": severity, "sort": sort},
                "maxRows": MAX_ROWS,
                "graphqlPath": reverse("graphql"),
                "strings": js_strings(),
                "severities": {value.upper(): str(label) for value, label in Severity.choices},
                "remediationStates": {value.upper(): str(label) for value, label in RemediationState.choices},
                "answerResults": {value.upper(): str(label) for value, label in AnswerResult.choices},
            },
        }
    )
    return render(request, "board/board.html", context)
