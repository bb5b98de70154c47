from sqlalchemy import select

from app.audit import system_actor
from app.audit.models import AuditEvent
from app.cases.references import generate_reference
from app.family_access import codes
from app.family_access import service as access
from app.family_access.models import PortalAccessCode
from app.transaction import commit
from tests.portal.factories import make_case, make_family, make_inquiry


def test_issue_access_code_new_requester_returns_readable_code_stored_as_argon2id(db_session, backend):
    _case, _inquiry, code = make_family(db_session)
    commit(db_session)
    assert len(code) == 24 and code.count("-") == 4
    assert codes.normalize_code(code) is not None
    row = db_session.execute(select(PortalAccessCode)).scalar_one()
    assert row.code_hash.startswith("$argon2id$")
    assert code.replace("-", "") not in row.code_hash
    events = db_session.execute(select(AuditEvent).where(AuditEvent.action == "portal.access_code_issued")).scalars()
    for event in events:
        assert code not in str(event.details) and code.replace("-", "") not in str(event.details)


def test_check_access_code_forgiving_input_signs_in(db_session, backend):
    case, _, code = make_family(db_session)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    found = access.check_access_code(db_session, reference=case.reference.lower().replace("-", ""), code=typed)
    assert found is not None and found.case.id == case.id


def test_check_access_code_wrong_code_or_reference_returns_none(db_session, backend):
    case, _, code = make_family(db_session)
    other = make_case(db_session)
    assert access.check_access_code(db_session, reference=other.reference, code=code) is None
    assert access.check_access_code(db_session, reference="PW-0000-0000", code=code) is None
    assert access.check_access_code(db_session, reference=generate_reference(), code=code) is None
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert access.check_access_code(db_session, reference=case.reference, code=wrong) is None
    assert access.check_access_code(db_session, reference=case.reference, code="nonsense") is None


def test_issue_access_code_again_invalidates_previous_code(db_session, backend):
    case, inquiry, first = make_family(db_session)
    second = access.issue_access_code(db_session, case=case, inquiry=inquiry, actor=system_actor())
    assert first != second
    assert access.check_access_code(db_session, reference=case.reference, code=first) is None
    assert access.check_access_code(db_session, reference=case.reference, code=second) is not None


def test_issue_access_code_each_requester_gets_own_code(db_session, backend):
    case, _, first = make_family(db_session)
    brother = make_inquiry(db_session, case, requester_name="Oleg Petrov", requester_relationship="sibling")
    second = access.issue_access_code(db_session, case=case, inquiry=brother, actor=system_actor())
    one = access.check_access_code(db_session, reference=case.reference, code=first)
    two = access.check_access_code(db_session, reference=case.reference, code=second)
    assert one is not None and two is not None
    assert one.inquiry.id != two.inquiry.id
