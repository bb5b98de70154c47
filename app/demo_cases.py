"""Demo records for `make run`: a small fictional registry and a handful of cases in several states, made through
the same services the hotline uses, so every console screen shows something (never in production).

Idempotent: the registry is imported once (recognised by its file name) and the cases are made only while the
demo operator has logged none. Every name, date and number here is invented.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.permissions import permissions_for
from app.auth.principals import FamilyPrincipal, StaffPrincipal
from app.cases import service as cases
from app.cases.models import CaseState
from app.config import Settings
from app.db import utcnow
from app.inquiries import service as inquiries
from app.inquiries.models import Inquiry
from app.inquiries.schemas import InquiryCreate
from app.matches import service as matches
from app.portal import messages
from app.portal.sessions import FamilyContext
from app.registry import imports
from app.registry.models import RegistryImport
from app.staff.models import StaffUser

REGISTRY_FILE = "demo-registry.csv"
COLUMNS = (
    "source",
    "source_record_id",
    "status",
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "place_of_birth",
    "rank",
    "service_number",
    "military_unit",
)
# (status, surname, given name, patronymic, date of birth, place of birth, rank, service number, unit)
PERSONS = [
    ("in_captivity", "Іванов", "Олексій", "Сергійович", "14.03.1999", "Харків", "рядовий", "ДМ-104233", "в/ч 12345"),
    ("in_captivity", "Петренко", "Андрій", "Васильович", "1994-07-02", "Полтава", "сержант", "ДМ-221907", "в/ч 30410"),
    ("deceased", "Кузнецов", "Дмитрий", "Игоревич", "1990-01-15", "Курск", "рядовой", "КМ-777003", "в/ч 11111"),
    ("released", "Мельник", "Тарас", "Іванович", "1988-11-30", "Вінниця", "солдат", "ВН-500112", "в/ч 40512"),
    ("in_captivity", "Сидоров", "Павел", "Андреевич", "1997-05-21", "Тула", "рядовой", "ТЛ-330901", "в/ч 20220"),
    ("in_captivity", "Коваль", "Юрій", "Олегович", "2001-09-09", "Суми", "молодший сержант", "СМ-118220", "в/ч 12345"),
    ("deceased", "Smirnov", "Maksim", "Sergeevich", "1986-12-12", "Omsk", "private", "OM-441022", "unit 31312"),
    ("in_captivity", "Лысенко", "Егор", "Николаевич", "1995-02-27", "Брянск", "ефрейтор", "БР-909113", "в/ч 55420"),
    (
        "released",
        "Бондаренко",
        "Віталій",
        "Петрович",
        "1992-06-18",
        "Черкаси",
        "старший солдат",
        "ЧК-770455",
        "в/ч 30410",
    ),
    ("in_captivity", "Волков", "Никита", "Олегович", "2000-10-03", "Орёл", "рядовой", "ОР-262626", "в/ч 20220"),
]
FILLER_SURNAMES = ("Шевченко", "Ткаченко", "Морозов", "Соколов", "Литвиненко", "Попов", "Кравченко", "Орлов")
FILLER_GIVEN = ("Сергей", "Олександр", "Іван", "Андрей", "Павло", "Денис")


@dataclass(frozen=True, slots=True)
class DemoRecords:
    registry_persons: int
    cases: list[str]

    def summary(self) -> str:
        made = ", ".join(self.cases) if self.cases else "already present"
        return f"registry persons: {self.registry_persons}; cases: {made}"


def _registry_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n, row in enumerate(PERSONS, start=1):
        writer.writerow(("demo-list", f"D-{n:03d}", *row))
    for n in range(40):
        surname, given = FILLER_SURNAMES[n % len(FILLER_SURNAMES)], FILLER_GIVEN[n % len(FILLER_GIVEN)]
        writer.writerow(
            (
                "demo-list",
                f"F-{n:03d}",
                ("in_captivity", "released", "deceased")[n % 3],
                surname,
                given,
                "",
                f"{1970 + n % 30}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "",
                "",
                f"FL-{n:06d}",
                "",
            )
        )
    return out.getvalue().encode("utf-8")


def seed_demo_registry(session: Session) -> int:
    """Import the demo registry once (the import commits batch by batch, as the command line does)."""
    done = session.execute(select(func.count()).where(RegistryImport.filename == REGISTRY_FILE)).scalar_one()
    if done:
        return 0
    data = _registry_csv()
    job = imports.import_file(session, io.BytesIO(data), filename=REGISTRY_FILE, size_bytes=len(data))
    return int(job.created)


def _principal(user: StaffUser) -> StaffPrincipal:
    roles = tuple(sorted(user.roles))
    return StaffPrincipal(user.id, user.username, roles, permissions_for(roles), uuid.uuid4())


def _call(requester: dict[str, Any], sought: dict[str, Any], **extra: Any) -> InquiryCreate:
    body: dict[str, Any] = {
        "channel": "phone",
        "requester": {"language": "ru", "country": "RU", **requester},
        "consent": {"store": True, "contact_phone": True, "contact_email": "email" in requester},
        "sought": sought,
        **extra,
    }
    return InquiryCreate.model_validate(body)


def _move(session: Session, who: StaffPrincipal, reference: str, to_state: CaseState, reason: str) -> None:
    record = cases.read_case(session, principal=who, reference=reference)
    cases.transition_case(
        session,
        principal=who,
        reference=reference,
        if_match=f'"{record.case.version}"',
        to_state=to_state,
        reason=reason,
    )


def _assign(session: Session, supervisor: StaffPrincipal, reference: str, officer: StaffUser) -> None:
    record = cases.read_case(session, principal=supervisor, reference=reference)
    cases.assign_case(
        session,
        principal=supervisor,
        reference=reference,
        if_match=f'"{record.case.version}"',
        officer_id=officer.id,
        reason="Demo assignment",
    )


def seed_demo_cases(session: Session, settings: Settings) -> DemoRecords:
    if settings.is_production:
        raise RuntimeError("demo records are never created in production")
    users = {u.username: u for u in session.execute(select(StaffUser)).scalars()}
    if not {"demo-operator", "demo-case-officer", "demo-supervisor"} <= set(users):
        raise RuntimeError("seed the demo accounts first")
    persons = seed_demo_registry(session)
    operator_user = users["demo-operator"]
    if session.execute(select(func.count()).where(Inquiry.recorded_by_id == operator_user.id)).scalar_one():
        return DemoRecords(persons, [])
    operator, officer_user = _principal(operator_user), users["demo-case-officer"]
    officer, supervisor = _principal(officer_user), _principal(users["demo-supervisor"])
    now = utcnow()
    made: list[str] = []

    def log(data: InquiryCreate) -> str:
        created = inquiries.create_inquiry(session, principal=operator, data=data)
        made.append(created.case.reference)
        return created.case.reference

    # 1. The README's example: a mother asks for her son; the registry holds him in Ukrainian spelling.
    ivanov = log(
        _call(
            {"full_name": "Иванова Мария Петровна", "relationship": "mother", "phone": "+7 916 123-45-67"},
            {
                "surname": "Иванов",
                "given_name": "Алексей",
                "patronymic": "Сергеевич",
                "date_of_birth": "1999-03-14",
                "military_unit": "в/ч 12345",
            },
            operator_notes="Calls in the evening only.",
        )
    )
    _assign(session, supervisor, ivanov, officer_user)
    _move(session, officer, ivanov, CaseState.SEARCHING, "Registry lookup started")
    matches.run_case_lookup(session, principal=officer, reference=ivanov, override=None, limit=10)
    # His father calls too, spelling the name in Latin: a second requester on the same case.
    inquiries.create_inquiry(
        session,
        principal=operator,
        data=_call(
            {"full_name": "Иванов Сергей Николаевич", "relationship": "father", "phone": "+7 916 765-43-21"},
            {"surname": "Ivanov", "given_name": "Aleksei", "date_of_birth": "1999"},
            case_reference=ivanov,
        ),
    )

    # 2. Confirmed in captivity, with an unread message from the family on the portal.
    petrenko = log(
        _call(
            {
                "full_name": "Петренко Олена Миколаївна",
                "relationship": "spouse",
                "phone": "+380 50 123 4567",
                "email": "olena.petrenko@example.org",
                "language": "uk",
                "country": "UA",
            },
            {"surname": "Петренко", "given_name": "Андрій", "date_of_birth": "1994-07-02"},
        )
    )
    _assign(session, supervisor, petrenko, officer_user)
    _move(session, officer, petrenko, CaseState.SEARCHING, "Registry lookup started")
    found = matches.run_case_lookup(session, principal=officer, reference=petrenko, override=None, limit=10)
    if found.proposed:
        matches.confirm(
            session,
            principal=officer,
            reference=petrenko,
            match_id=found.proposed[0].id,
            reason="Name, date of birth and unit agree",
        )
    _move(session, officer, petrenko, CaseState.IN_CAPTIVITY, "Confirmed on list demo-list")
    record = cases.read_case(session, principal=officer, reference=petrenko)
    family = FamilyContext(
        principal=FamilyPrincipal(case_id=record.case.id, case_reference=petrenko, access_code_id=uuid.uuid4()),
        inquiry_id=record.inquiries[0].id,
        session_id=uuid.uuid4(),
        kind="cookie",
    )
    messages.send_message(
        session, settings.portal, family, reference=petrenko, text="Доброго дня. Чи можна передати йому листа? Дякую."
    )

    # 3. A death proposed by the officer, awaiting the supervisor's second signature.
    kuznetsov = log(
        _call(
            {"full_name": "Кузнецова Анна Викторовна", "relationship": "mother", "phone": "+7 912 000-11-22"},
            {"surname": "Кузнецов", "given_name": "Дмитрий", "patronymic": "Игоревич", "date_of_birth": "1990-01-15"},
        )
    )
    _assign(session, supervisor, kuznetsov, officer_user)
    _move(session, officer, kuznetsov, CaseState.SEARCHING, "Registry lookup started")
    _move(session, officer, kuznetsov, CaseState.DECEASED, "Listed as deceased on demo-list, record D-003")

    # 4. A new call nobody has answered for three days: unassigned and overdue.
    log(
        _call(
            {"full_name": "Сидорова Галина Павловна", "relationship": "mother", "phone": "+7 903 555-01-02"},
            {"surname": "Сидоров", "given_name": "Павел", "date_of_birth": "1997"},
            received_at=(now - timedelta(days=3)).isoformat(),
        )
    )

    # 5. An email inquiry, kept as it came in.
    log(
        InquiryCreate.model_validate(
            {
                "channel": "email",
                "requester": {
                    "full_name": "Мельник Оксана",
                    "relationship": "sibling",
                    "email": "oksana.melnyk@example.org",
                    "language": "uk",
                    "country": "UA",
                },
                "consent": {"store": True, "contact_email": True},
                "sought": {"surname": "Мельник", "given_name": "Тарас", "date_of_birth": "1988-11-30"},
                "message": {
                    "sender": "Оксана Мельник <oksana.melnyk@example.org>",
                    "subject": "Мій брат Тарас",
                    "body": "Добрий день!\n\nШукаю брата, Мельника Тараса Івановича, 30.11.1988 р.н.\n"
                    "Останній зв’язок був у лютому.\n\nОксана",
                },
            }
        )
    )
    session.flush()
    return DemoRecords(persons, made)
