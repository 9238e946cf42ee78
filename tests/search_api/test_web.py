"""The clerk UI against a real archive, index and users (Flask test client)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from archive import PageAssets, RejectEntry, SourceFile
from schemas.model import Party, Record, RecordStatus, RecordType, Role
from search_api import services_of
from search_api.api.audit import AuditLog
from search_api.search.feed import sync_index
from tests.search_api.conftest import PASSWORD, csrf_token, login, page_jpeg, with_pages
from tests.search_api.sample import ID15_ZHANG, ID18_WANG

MASKED_15 = "620722******101"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


# ------------------------------------------------------------------ login
def test_wrong_password_is_refused_and_locks_after_five(client: FlaskClient) -> None:
    for _ in range(5):
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"csrf_token": token, "username": "clerk", "password": "wrong-pass-1"}
        )
        assert response.status_code == 401
        assert "用户名或密码错误" in text_of(response)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": "clerk", "password": PASSWORD}
    )
    assert response.status_code == 401  # locked although the password is right now


def test_unknown_user_gets_the_same_answer(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": "nobody", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert "用户名或密码错误" in text_of(response)


def test_login_redirect_never_leaves_the_site(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "clerk",
            "password": PASSWORD,
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["Location"] == "/search"


def test_session_cookie_flags(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": "clerk", "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_ends_the_session(client: FlaskClient) -> None:
    login(client, "clerk")
    token = csrf_token(client, "/search")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/search").status_code == 302


# ------------------------------------------------------------------ search
def test_clerk_search_shows_reasons_and_masked_ids(client: FlaskClient) -> None:
    login(client, "clerk")
    html = text_of(client.get("/search", query_string={"q": "張偉"}))
    assert re.search(r'id="total">4<', html)
    assert "完全一致" in html and "繁简转换后一致" in html
    assert MASKED_15 in html
    assert ID15_ZHANG not in html and ID18_WANG not in html


def test_reviewer_sees_full_ids_in_results(client: FlaskClient) -> None:
    login(client, "reviewer")
    html = text_of(client.get("/search", query_string={"q": ID15_ZHANG}))
    assert ID15_ZHANG in html


def test_search_json_and_filters(client: FlaskClient) -> None:
    login(client, "clerk")
    body = client.get("/search.json", query_string={"q": "张伟", "record_type": "divorce"}).json
    assert body["total"] == 1
    assert body["hits"][0]["record_id"] == "r2001-id18"
    assert body["query_kind"] == "name"
    bad = client.get("/search.json", query_string={"q": 'NEAR("张" *', "page": "x"}).json
    assert bad["total"] == 0


def test_search_survives_hostile_and_huge_input(client: FlaskClient) -> None:
    login(client, "clerk")
    for text in ("*", '"', "col:张", "张" * 10_000, "\x00\x01", "%' OR 1=1 --"):
        assert client.get("/search", query_string={"q": text}).status_code == 200


# ------------------------------------------------------------------ record page
def test_clerk_record_view_is_masked_and_audited(app: Flask, client: FlaskClient) -> None:
    login(client, "clerk")
    audit = services_of(app).settings
    before = _audit_count(audit)
    html = text_of(client.get("/records/r1991-simp"))
    assert MASKED_15 in html and ID15_ZHANG not in html
    assert "1965-03-12" not in html and "1965" not in html  # no birth date beside a masked ID
    assert 'id="correction-form"' not in html
    assert _audit_count(audit) == before + 1


def test_age_of_a_party_without_id_stays_visible(client: FlaskClient) -> None:
    login(client, "clerk")
    html = text_of(client.get("/records/r1953-trad"))
    assert re.search(r"年龄</th>\s*<td class=\"value\">25", html)


def _audit_count(settings) -> int:  # type: ignore[no-untyped-def]
    log = AuditLog.open(settings)
    try:
        return log.count()
    finally:
        log.close()


def test_reviewer_record_view_has_full_id_boxes_and_form(client: FlaskClient) -> None:
    login(client, "reviewer")
    html = text_of(client.get("/records/r1991-simp"))
    assert ID15_ZHANG in html
    assert 'viewBox="0 0 600 800"' in html
    assert 'data-field="parties[0].name" x="100" y="120"' in html
    assert 'id="correction-form"' in html
    # the failing field (issues, low confidence) is listed and pre-selected first
    assert html.index('data-field="registration_date"') < html.index('data-field="office"')
    assert re.search(
        r'<option selected value="registration_date">|value="registration_date" selected', html
    )


def test_page_images_stream_from_the_archive(app: Flask, client: FlaskClient) -> None:
    login(client, "clerk")
    archive = services_of(app).archive
    assert archive is not None
    prepared = client.get("/records/r1991-simp/pages/0/prepared.jpg")
    original = client.get("/records/r1991-simp/pages/0/original.jpg")
    assert prepared.status_code == original.status_code == 200
    assert prepared.mimetype == "image/jpeg"
    assert prepared.data == archive.page_image("r1991-simp", 0, "prepared")
    assert original.data == archive.page_image("r1991-simp", 0, "original")
    assert prepared.data != original.data
    assert client.get("/records/r1991-simp/pages/0/thumb.jpg").status_code == 404
    assert client.get("/records/r1991-simp/pages/3/prepared.jpg").status_code == 404
    assert client.get("/records/nope/pages/0/prepared.jpg").status_code == 404
    assert client.get("/records/..%2F..%2Fetc/pages/0/prepared.jpg").status_code == 404


def test_unknown_record_is_404_in_chinese(client: FlaskClient) -> None:
    login(client, "clerk")
    response = client.get("/records/does-not-exist")
    assert response.status_code == 404
    assert "没有这条记录" in text_of(response)


# ------------------------------------------------------------------ corrections
def test_reviewer_corrects_a_field_and_sees_the_history(app: Flask, client: FlaskClient) -> None:
    login(client, "reviewer")
    token = csrf_token(client, "/records/r1962-zhang")
    response = client.post(
        "/records/r1962-zhang/correct",
        data={
            "csrf_token": token,
            "field": "parties[0].name",
            "value": "张伟",
            "reason": "对照原件，形近字误识",
            "version": "1",
        },
    )
    assert response.status_code == 302
    services = services_of(app)
    assert services.archive is not None
    record = services.archive.get_record("r1962-zhang")
    assert record is not None and record.parties[0].name == "张伟" and record.version == 2
    history = text_of(client.get("/records/r1962-zhang/history"))
    assert "章伟" in history and "张伟" in history and "reviewer" in history
    assert "对照原件，形近字误识" in history
    # the index follows the catalog: the corrected name is now an exact hit
    sync_index(services.archive, services.search)
    body = client.get("/search.json", query_string={"q": "张伟"}).json
    assert {"r1962-zhang"} <= {h["record_id"] for h in body["hits"] if h["tier"] == "exact"}


def test_stale_version_is_not_saved(app: Flask, client: FlaskClient) -> None:
    login(client, "reviewer")
    token = csrf_token(client, "/records/r1962-zhang")
    data = {
        "csrf_token": token,
        "field": "office",
        "value": "高台县",
        "reason": "补录",
        "version": "1",
    }
    assert client.post("/records/r1962-zhang/correct", data=data).status_code == 302
    data["value"] = "别的"
    client.post("/records/r1962-zhang/correct", data=data)  # still says version 1
    record = services_of(app).archive.get_record("r1962-zhang")  # type: ignore[union-attr]
    assert record is not None and record.office == "高台县" and record.version == 2


def test_correction_needs_a_reason_and_a_known_field(app: Flask, client: FlaskClient) -> None:
    login(client, "reviewer")
    token = csrf_token(client, "/records/r1962-zhang")
    for data in (
        {"field": "office", "value": "x", "reason": "", "version": "1"},
        {"field": "status", "value": "verified", "reason": "想改", "version": "1"},
        {"field": "parties[5].name", "value": "x", "reason": "想改", "version": "1"},
    ):
        client.post("/records/r1962-zhang/correct", data={"csrf_token": token, **data})
    record = services_of(app).archive.get_record("r1962-zhang")  # type: ignore[union-attr]
    assert record is not None and record.version == 1


def test_record_page_gives_the_review_reasons_in_chinese(client: FlaskClient) -> None:
    login(client, "clerk")
    html = text_of(client.get("/records/r1975-lookalike"))
    assert "待审核原因：女方 姓名：识别置信度低、女方 姓名：姓名中有字无法确认" in html
    assert "low_confidence: parties[1].name" not in html


def test_verify_marks_the_record_verified(app: Flask, client: FlaskClient) -> None:
    login(client, "reviewer")
    token = csrf_token(client, "/records/r1975-lookalike")
    assert (
        client.post("/records/r1975-lookalike/verify", data={"csrf_token": token}).status_code
        == 302
    )
    record = services_of(app).archive.get_record("r1975-lookalike")  # type: ignore[union-attr]
    assert record is not None and record.status.value == "verified"


# ------------------------------------------------------------------ review and dashboard
def test_review_queue_lists_needs_review_by_reason(client: FlaskClient) -> None:
    login(client, "reviewer")
    html = text_of(client.get("/review"))
    assert html.index("r1962-zhang") < html.index(
        "r1975-lookalike"
    )  # date_unreadable < low_confidence
    assert "登记日期" in html  # the failing field is named
    assert "r1991-simp" not in html
    # the reasons in the clerk's words, not the pipeline's codes
    assert "女方 姓名：识别置信度低" in html
    assert "女方 姓名：姓名中有字无法确认" in html
    assert "name_character_unsure" not in html and "parties[1]" not in html


def test_dashboard_shows_coverage_batches_and_degraded_state(client: FlaskClient) -> None:
    login(client, "operator")
    html = text_of(client.get("/dashboard"))
    assert re.search(r'id="total-records">7<', html)
    assert "both copies on one disk" in html
    assert "b1" in html and "/batches/b1/rescan.csv" in html


def test_rescan_csv_escapes_formulas(app: Flask, client: FlaskClient) -> None:
    archive = services_of(app).archive
    assert archive is not None
    archive.record_reject(
        RejectEntry("b1", "bad/=HYPERLINK(x).tif", None, "truncated", "=cmd|' /C calc'!A0")
    )
    login(client, "operator")
    response = client.get("/batches/b1/rescan.csv")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffbatch_id,file,sha256,reason_code,message")
    assert "'=cmd" in body and "truncated" in body
    assert client.get("/batches/nope/rescan.csv").status_code == 404


def test_results_are_paged(client: FlaskClient) -> None:
    login(client, "clerk")
    first = text_of(client.get("/search", query_string={"q": "zhangwei", "size": "2"}))
    assert "下一页" in first and "page=2" in first and "r2001-id18" in first
    second = text_of(
        client.get("/search", query_string={"q": "zhangwei", "size": "2", "page": "2"})
    )
    assert "上一页" in second and "r1953-trad" in second and "r2001-id18" not in second


def test_dashboard_flags_overlapping_marriages_of_one_person(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """王芳 (ID …0026) married in 1991 (r1991-simp); a 1995 marriage of hers with no
    divorce in between is a conflict the clerk must see, with her ID masked."""
    archive = services_of(app).archive
    assert archive is not None
    login(client, "reviewer")
    assert "未发现冲突" in text_of(client.get("/dashboard"))

    second = Record(
        record_id="r1995-wang-again",
        record_type=RecordType.MARRIAGE,
        registration_date="1995-05-05",
        certificate_no="J620722-1995-000099",
        parties=[
            Party(role=Role.HUSBAND, name="周强", sex="M"),
            Party(role=Role.WIFE, name="王芳", sex="F", id_number=ID18_WANG),
        ],
        status=RecordStatus.AUTO_ACCEPTED,
    )
    path = tmp_path / "wang-again.jpg"
    path.write_bytes(page_jpeg(99, original=True))
    source = SourceFile(path, path.name, hashlib.sha256(path.read_bytes()).hexdigest())
    assets = PageAssets(page_jpeg(99), page_jpeg(99, original=True), 600, 800, 300)
    archive.commit_record(with_pages(second, source), [source], [assets], [])

    html = text_of(client.get("/dashboard"))
    table = html.split('id="conflicts"', 1)[1].split("</table>", 1)[0]
    assert "r1991-simp" in table and "r1995-wang-again" in table
    assert ID18_WANG not in html and "620722********0026" in table
