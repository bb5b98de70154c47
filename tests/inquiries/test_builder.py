"""The one inquiry builder: any channel describes an inquiry as a draft and gets the same case, record and code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import system_actor
from app.audit.models import AuditEvent
from app.cases.models import Case, CaseEvent, Channel
from app.db import SettingsMissing, create_db_engine, settings_of
from app.family_access.service import check_access_code
from app.inquiries.builder import InquiryDraft, build_inquiry
from app.inquiries.models import Inquiry
from app.jobs.models import Job
from app.notifications.service import JOB_KIND
from app.transaction import commit
from tests.cases.factories import create_inquiry, inquiry_body
from tests.portal.helpers import csrf_from

EMAIL_DRAFT = InquiryDraft(
    channel=Channel.EMAIL,
    requester_name="Мария Иванова",
    requester_relationship="mother",
    requester_phone="8 916 123-45-67",
    requester_email="Maria.Ivanova@Example.RU",
    requester_language="ru",
    consent_store=True,
    consent_contact_email=True,
    sought_surname="Иванов",
    sought_given_name="Алексей",
    sought_date_of_birth="1999-03-14",
    message_subject="Мой сын",
    message_sender="Maria.Ivanova@Example.RU",
    message_body="Где мой сын Алексей?",
)


def test_a_new_channel_builds_a_case_record_and_code_like_the_hotline(db_session, backend):
    built = build_inquiry(db_session, EMAIL_DRAFT, actor=system_actor())
    db_session.flush()
    assert built.case_opened and built.case.reference
    assert built.inquiry.requester_phone == "+79161234567"
    assert built.inquiry.requester_email == "maria.ivanova@example.ru"
    assert built.inquiry.message_body == "Где мой сын Алексей?"
    assert check_access_code(db_session, reference=built.case.reference, code=built.access_code) is not None
    assert built.code_emailed is True
    assert db_session.execute(select(Job.kind)).scalars().all() == [JOB_KIND]
    events = db_session.execute(select(CaseEvent.kind).where(CaseEvent.case_id == built.case.id)).scalars().all()
    assert "inquiry_received" in events


def test_as_requester_records_the_family_as_author_and_flags_duplicates_for_review(db_session, backend):
    first = build_inquiry(db_session, EMAIL_DRAFT, actor=system_actor())
    second = build_inquiry(
        db_session, EMAIL_DRAFT, actor=system_actor(), as_requester=True, review_duplicates="same person?"
    )
    db_session.flush()
    assert [d.case.reference for d in second.duplicates] == [first.case.reference]
    assert second.case.needs_review and second.case.review_reason == "same person?"
    assert not first.case.needs_review
    commit(db_session)
    created = select(AuditEvent.actor).where(AuditEvent.action == "inquiry.created")
    actors = db_session.execute(created.where(AuditEvent.target_id == str(second.inquiry.id))).scalars().all()
    assert actors == [f"family:{second.case.reference}"]


def test_joining_a_closed_case_flags_it_for_review(db_session, backend):
    first = build_inquiry(db_session, EMAIL_DRAFT, actor=system_actor())
    first.case.state = "closed"
    joined = build_inquiry(db_session, EMAIL_DRAFT, actor=system_actor(), case=first.case)
    assert not joined.case_opened and joined.case.id == first.case.id
    assert joined.case.needs_review
    assert len(db_session.execute(select(Inquiry.id).where(Inquiry.case_id == first.case.id)).all()) == 2


def test_hotline_and_online_form_store_the_same_inquiry_through_the_builder(
    client, make_staff, session_factory, backend
):
    """The same requester by phone and by the web form: every field the builder derives comes out the same."""
    operator = make_staff("operator")
    by_phone = create_inquiry(
        client,
        operator,
        inquiry_body(
            requester={"phone": "+7 912 345-67-89", "email": "Olga@Example.org", "full_name": "Olga Sidorova"}
        ),
    )
    page = client.get("/portal/inquiry")
    web = client.post(
        "/portal/inquiry",
        data={
            "requester_name": "Olga Sidorova",
            "requester_relationship": "mother",
            "requester_phone": "+7 912 345-67-89",
            "requester_email": "Olga@Example.org",
            "consent_store": "yes",
            "sought_surname": "Иванов",
            "sought_given_name": "Алексей",
            "message": "Last call in March.",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert web.status_code == 201, web.text
    session = session_factory()
    try:
        rows = session.execute(select(Inquiry).order_by(Inquiry.created_at)).scalars().all()
        cases = {c.id: c for c in session.execute(select(Case)).scalars()}
    finally:
        session.close()
    phone, online = (r for r in rows if r.channel in ("phone", "web"))
    for field in ("requester_phone", "requester_email", "requester_name_key"):
        assert getattr(phone, field) == getattr(online, field), field
    assert online.recorded_by_id is None and str(phone.recorded_by_id) == operator.id
    assert cases[online.case_id].needs_review  # the web form flags its probable duplicate; the hotline lists it
    assert cases[online.case_id].reference != by_phone["case_reference"]


def test_settings_of_gives_the_session_s_settings_and_refuses_a_session_without(db_session, settings, backend):
    assert settings_of(db_session) is settings
    bare = Session(create_db_engine(settings.database_url))
    try:
        try:
            settings_of(bare)
        except SettingsMissing as exc:
            assert "create_session_factory" in str(exc)
        else:
            raise AssertionError("a session without settings must be refused")
    finally:
        bare.close()
