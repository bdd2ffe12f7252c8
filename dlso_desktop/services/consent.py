"""Consent per person (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): explicit, recorded, withdrawable.

Consent rows are insert-only events that sync like the others (``consent`` table). The current state of a
person's scope is its latest live row by ``given_at``, then id: a withdrawal is a new row with ``granted``
false, never an edit. Two scopes (``ConsentScope``):

* ``basic`` — name, date of birth, contact, digital status. Given by the person (the household form, this
  service) or by the household at a visit: a visit's consent row (``visit_id`` set, scope basic) counts for
  every member of the household, so a person's basic consent is queryable per person either way
  (:class:`~dlso_desktop.services.views.ConsentScopeStatus` says which it was). The household's yes never
  overrides the person's own latest no (a refusal, or the withdrawal written by an erasure). Withdrawing
  basic consent is the start of erasing the person's data: it belongs to the erasure flow
  (``ErasureService``, commune operator), never to this service.
* ``sensitive`` — the ethnic group. Only the person's own rows count (a household visit never grants it).
  A person's ethnic group is stored only while this scope is granted: :func:`check_sensitive` refuses it
  otherwise (``consent.sensitive_required``), and withdrawing it clears the ethnic group in the same unit of
  work.

Changes pulled by sync are written by the sync engine directly (another laptop recorded the consent, and the
consent rows travel too): they are never checked here.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from dlso_desktop.models import ConsentScope, Role
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.views import ConsentScopeStatus, ConsentStatus
from dlso_desktop.storage.uow import UnitOfWork
from dlso_desktop.text import clean_text
from dlso_desktop.validation import ValidationError

#: The consent text version the app shows; bump it when the text changes.
CONSENT_TEXT_VERSION = "2026-01"
#: How consent was given: read out and answered, signed on paper, or a consent column of an imported file.
CONSENT_METHODS = ("verbal", "written", "import")
_SCOPES = {s.value for s in ConsentScope}


@dataclass(slots=True)
class PersonConsentInput:
    """One explicit answer of a person. ``given`` is the person's answer (the app never pre-fills it): True
    grants the scope, False records a refusal (or, for a granted sensitive scope, a withdrawal)."""

    scope: str
    given: bool
    method: str = "verbal"
    text_version: str = CONSENT_TEXT_VERSION


def sensitive_required(field: str) -> ValidationError:
    return ValidationError(
        field=field,
        code="consent.sensitive_required",
        message_vi="Dân tộc là dữ liệu cá nhân nhạy cảm: chỉ ghi khi người này đồng ý rõ ràng cung cấp thông tin"
        " dân tộc.",
        message_en="Ethnic group is sensitive personal data: it is recorded only when the person explicitly agrees"
        " to give it.",
    )


def _basic_withdrawal_refused() -> ValidationError:
    return ValidationError(
        field="scope",
        code="consent.basic_withdraw_erasure",
        message_vi="Rút lại đồng ý cơ bản nghĩa là xoá dữ liệu của người này: cán bộ xã thực hiện việc đó bằng"
        " chức năng xoá dữ liệu cá nhân.",
        message_en="Withdrawing basic consent means erasing this person's data: a commune operator does it with"
        " the personal-data erasure function.",
    )


def check_sensitive(
    ethnic_group: str | None, sensitive_consent: bool | None, granted: bool, errors: Errors, field: str
) -> None:
    """Refuse a non-empty ethnic group unless the person's sensitive consent is granted (``granted``) or the
    same input carries the person's explicit agreement (``sensitive_consent`` True). An explicit refusal
    (False) always refuses it."""
    if ethnic_group and (sensitive_consent is False or not (sensitive_consent or granted)):
        errors.add(sensitive_required(field))


_ROWS_SQL = (
    "SELECT p.id, c.scope, c.granted, c.text_version, c.method, c.given_at, c.collected_by, u.display_name,"
    " c.visit_id IS NOT NULL AND (c.person_id IS NULL OR c.person_id != p.id), c.id"
    " FROM person p JOIN consent c ON {join}"
    " LEFT JOIN visit v ON v.id = c.visit_id LEFT JOIN app_user u ON u.id = c.collected_by"
    " WHERE p.id IN ({marks}) AND c.deleted = 0 AND (c.visit_id IS NULL OR v.deleted = 0)"
    " AND NOT EXISTS (SELECT 1 FROM consent s WHERE s.supersedes_id = c.id AND s.deleted = 0)"
)
_OWN = "c.person_id = p.id"
_HOUSEHOLD = (
    "c.household_id = p.household_id AND c.visit_id IS NOT NULL AND c.scope = 'basic'"
    " AND (c.person_id IS NULL OR c.person_id != p.id)"
)


def current_consents(
    conn: Connection, person_ids: Iterable[str], *, household: bool = True
) -> dict[str, dict[str, ConsentScopeStatus]]:
    """{person id: {scope: current state}} of these persons (scopes never asked are absent). ``household``:
    a household's visit consent counts for the basic scope of its members."""
    ids = list(dict.fromkeys(person_ids))
    # (person, scope, 0: the person's own rows / 1: the household's visit rows) -> latest row
    best: dict[tuple[str, str, int], tuple[tuple[str, str], ConsentScopeStatus]] = {}
    joins = ((0, _OWN), (1, _HOUSEHOLD)) if household else ((0, _OWN),)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for source, join in joins:
            sql = _ROWS_SQL.format(join=join, marks=",".join("?" * len(chunk)))
            for pid, scope, granted, version, method, at, by, name, via_hh, cid in conn.exec_driver_sql(
                sql, tuple(chunk)
            ):
                key = (str(pid), str(scope), source)
                order = (str(at), str(cid))
                seen = best.get(key)
                if seen is None or order > seen[0]:
                    status = ConsentScopeStatus(
                        str(scope), bool(granted), str(version), str(method), str(at), by, name, bool(via_hh)
                    )
                    best[key] = (order, status)
    out: dict[str, dict[str, ConsentScopeStatus]] = {}
    for (pid, scope, source), (order, status) in best.items():
        if source == 1:
            own = best.get((pid, scope, 0))
            # the household's yes never overrides the person's own no (a refusal, a withdrawal, an erasure)
            if own is not None and (not own[1].granted or own[0] > order):
                continue
        elif (hh := best.get((pid, scope, 1))) is not None and status.granted and hh[0] > order:
            continue  # a later household visit consent is the current state
        out.setdefault(pid, {})[scope] = status
    return out


def sensitive_granted(conn: Connection, person_ids: Iterable[str]) -> set[str]:
    """The persons among these whose current sensitive consent is granted."""
    states = current_consents(conn, person_ids, household=False)
    return {
        pid
        for pid, scopes in states.items()
        if (s := scopes.get(ConsentScope.SENSITIVE.value)) is not None and s.granted
    }


def insert_consent(
    uow: UnitOfWork,
    person: Mapping[str, Any],
    scope: str,
    granted: bool,
    *,
    method: str = "verbal",
    text_version: str = CONSENT_TEXT_VERSION,
    collected_by: str | None = None,
    withdrawal: bool = False,
) -> dict[str, Any]:
    """Queue one consent row of ``person`` (a person row of this unit of work). The audit entry names the
    scope and the answer only (never personal data)."""
    return uow.insert(
        "consent",
        {
            "household_id": person.get("household_id"),
            "person_id": person["id"],
            "scope": scope,
            "granted": granted,
            "text_version": text_version,
            "method": method,
            "given_at": uow.now,
            "collected_by": collected_by,
        },
        action="withdraw" if withdrawal else "create",
        summary=f"{scope}: {'granted' if granted else 'withdrawn' if withdrawal else 'refused'}",
    )


@dataclass(frozen=True, slots=True)
class ConsentAnswers:
    """What one person input says about consent (see ``PersonInput.basic_consent``/``sensitive_consent``)."""

    basic: bool
    sensitive: bool | None


def record_answers(
    uow: UnitOfWork,
    person: Mapping[str, Any],
    answers: ConsentAnswers,
    current: Mapping[str, ConsentScopeStatus],
    collected_by: str | None,
    method: str = "verbal",
) -> None:
    """Record, in the caller's unit of work, what a person's form or import line answered: a basic agreement
    (unless the person's own basic consent is already granted), a sensitive agreement (unless already granted
    with the current text version), a sensitive withdrawal (when granted and now answered no). Nothing is
    recorded for an unasked scope."""
    basic = current.get(ConsentScope.BASIC.value)
    if answers.basic and (basic is None or not basic.granted or basic.from_household_visit):
        insert_consent(uow, person, ConsentScope.BASIC.value, True, method=method, collected_by=collected_by)
    sensitive = current.get(ConsentScope.SENSITIVE.value)
    granted = sensitive is not None and sensitive.granted
    current_text = sensitive is not None and sensitive.text_version == CONSENT_TEXT_VERSION
    if answers.sensitive is True and not (granted and current_text):
        insert_consent(uow, person, ConsentScope.SENSITIVE.value, True, method=method, collected_by=collected_by)
    elif answers.sensitive is False and granted:
        insert_consent(
            uow, person, ConsentScope.SENSITIVE.value, False, method=method, collected_by=collected_by, withdrawal=True
        )


class ConsentService:
    """Record, withdraw and read a person's consent. Every signed-in role may record and withdraw (team members
    collect consent at the door); withdrawing basic consent is the erasure flow's (see the module docstring)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def record(self, person_id: str, inp: PersonConsentInput) -> ConsentStatus:
        """Record a person's explicit answer for one scope. ``given`` False records a refusal; for a granted
        sensitive scope it is a withdrawal (see :meth:`withdraw`). A "no" to a granted basic scope is refused
        here: that is erasure."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="ghi sự đồng ý của người dân", what_en="record consent")
        errors = Errors()
        if inp.scope not in _SCOPES:
            errors.add(invalid_choice("scope", "phạm vi đồng ý", "consent scope", inp.scope))
        if inp.method not in CONSENT_METHODS:
            errors.add(invalid_choice("method", "cách ghi nhận đồng ý", "consent method", inp.method))
        version = clean_text(inp.text_version or "")
        if not version or len(version) > 40:
            errors.add(invalid_choice("text_version", "phiên bản nội dung đồng ý", "consent text version", version))
        if not isinstance(inp.given, bool):
            errors.add(invalid_choice("given", "câu trả lời", "answer", inp.given))
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            person = _live_person(uow, person_id)
            current = current_consents(uow.conn, [person_id]).get(person_id, {})
            state = current.get(inp.scope)
            granted = state is not None and state.granted
            if not inp.given and inp.scope == ConsentScope.BASIC.value and granted:
                raise _basic_withdrawal_refused()
            if not inp.given and inp.scope == ConsentScope.SENSITIVE.value and (granted or person["ethnic_group"]):
                self._withdraw_sensitive(uow, person, granted, method=inp.method, text_version=version)
            else:
                insert_consent(
                    uow,
                    person,
                    inp.scope,
                    inp.given,
                    method=inp.method,
                    text_version=version,
                    collected_by=self.ctx.user_id,
                )
            uow.commit()
        return self.status(person_id)

    def withdraw(self, person_id: str, scope: str = ConsentScope.SENSITIVE.value) -> ConsentStatus:
        """Withdraw the person's sensitive consent: a withdrawal row and the ethnic group cleared, one unit of
        work. Nothing is written when it was not granted and no ethnic group is stored. Basic consent is
        withdrawn only by the erasure flow (refused here, ``consent.basic_withdraw_erasure``)."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="ghi việc rút lại sự đồng ý", what_en="withdraw consent")
        if scope == ConsentScope.BASIC.value:
            raise _basic_withdrawal_refused()
        if scope not in _SCOPES:
            raise invalid_choice("scope", "phạm vi đồng ý", "consent scope", scope)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            person = _live_person(uow, person_id)
            granted = person_id in sensitive_granted(uow.conn, [person_id])
            if granted or person["ethnic_group"]:
                self._withdraw_sensitive(uow, person, granted)
                uow.commit()
        return self.status(person_id)

    def _withdraw_sensitive(
        self,
        uow: UnitOfWork,
        person: dict[str, Any],
        granted: bool,
        *,
        method: str = "verbal",
        text_version: str = CONSENT_TEXT_VERSION,
    ) -> None:
        insert_consent(
            uow,
            person,
            ConsentScope.SENSITIVE.value,
            False,
            method=method,
            text_version=text_version,
            collected_by=self.ctx.user_id,
            withdrawal=granted,
        )
        if person["ethnic_group"] is not None:
            uow.update("person", person, {"ethnic_group": None}, summary="sensitive consent withdrawn")

    def status(self, person_id: str) -> ConsentStatus:
        """The person's current basic and sensitive consent (who collected it, when, which text, how)."""
        self.ctx.require_reader()
        return self.statuses([person_id]).get(person_id) or _raise_not_found()

    def statuses(self, person_ids: Sequence[str]) -> dict[str, ConsentStatus]:
        """:meth:`status` of several live persons at once (ids not found are left out)."""
        self.ctx.require_reader()
        ids = list(dict.fromkeys(person_ids))
        with self.ctx.db.reader() as conn:
            live: set[str] = set()
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                live.update(
                    str(r[0])
                    for r in conn.exec_driver_sql(
                        f"SELECT id FROM person WHERE deleted = 0 AND id IN ({','.join('?' * len(chunk))})",
                        tuple(chunk),
                    )
                )
            states = current_consents(conn, [i for i in ids if i in live])
        return {
            pid: ConsentStatus(
                pid,
                states.get(pid, {}).get(ConsentScope.BASIC.value),
                states.get(pid, {}).get(ConsentScope.SENSITIVE.value),
            )
            for pid in ids
            if pid in live
        }


def _raise_not_found() -> ConsentStatus:
    raise not_found("person_id", "người này", "Person")


def _live_person(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
    row = uow.get("person", person_id)
    if row is None or row["deleted"] or row.get("erased_at") or row["commune_code"] != uow.commune_code:
        raise not_found("person_id", "người này", "Person")
    return row
