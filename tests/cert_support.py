"""Training sessions with results, for the certificate tests; signing set-up is shared with the bench."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bench.cert_setup import TOKEN, Province, make_signing, province
from dlso_desktop.catalogue import course_id
from dlso_desktop.services import Services
from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.training import SessionInput

__all__ = ["TOKEN", "Province", "make_signing", "province", "session_with_results"]


def session_with_results(
    services: Services, village_id: str, results: Mapping[str, str | None], *, course: str = "BDHVS-01"
) -> tuple[str, dict[str, str]]:
    """A training session of ``course`` whose roster has each named person with the given result
    ("passed", "failed", None for present without a result). Returns (session id, {name: person id})."""
    ids: dict[str, str] = {}
    for i, name in enumerate(results):
        person = services.persons.create(PersonInput(name, birth_date=date(1970 + i, 3, 1 + i), citizen_id=None))
        ids[name] = person.id
    session = services.training.create_session(
        SessionInput(course_id(course), date(2026, 11, 20), "Nhà văn hóa buôn", "Trần Văn Nam", village_id)
    )
    for name, result in results.items():
        services.training.record_attendance(session.id, [ids[name]], present=True, result=result)
    return session.id, ids
