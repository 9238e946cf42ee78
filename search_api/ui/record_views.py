"""The record page: page images beside the fields, corrections, history, verify."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, url_for

from archive import Archive
from schemas.errors import MarriageArchiveError, NotFound
from schemas.model import Record
from search_api.auth import current_user, requires_role
from search_api.ui import bp, present
from search_api.ui.forms import ActionForm, CorrectionForm

log = logging.getLogger("marriage_archive.search_api.ui")

VIEW_ROLES = ("clerk", "reviewer", "admin")
EDIT_ROLES = ("reviewer", "admin")
PAGE_KINDS = ("prepared", "original")
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,119}$")


def _archive() -> Archive:
    archive = current_app.extensions["marriage_archive"].archive
    if archive is None:
        abort(503)
    return archive  # type: ignore[no-any-return]


def load_record(record_id: str) -> Record:
    """The current record, or 404 (ids are checked before touching the catalog)."""
    if not _RECORD_ID.match(record_id):
        raise NotFound("没有这条记录。")
    record = _archive().get_record(record_id)
    if record is None:
        raise NotFound("没有这条记录。")
    return record


def audit_record_view(record_id: str) -> None:
    """One audit entry per record view (the API package's audit log, when installed)."""
    user = current_user()
    try:
        from search_api.api.audit import audit_record_view as _audit
    except ImportError:  # TODO(audit): the JSON API package provides the audit log
        log.info("record view not audited: audit log not installed")
        return
    # a StorageError here fails the request: no record view leaves unaudited
    _audit(current_app._get_current_object(), user.username if user else "?", record_id)  # type: ignore[attr-defined]


def _correction_form(record: Record) -> CorrectionForm:
    form = CorrectionForm()
    full_id = True  # only EDIT_ROLES get the form, and they may see full IDs
    form.field.choices = [
        (row.path, row.label) for row in present.field_rows(record, full_id=full_id)
    ]
    return form


@bp.get("/records/<record_id>")
@requires_role(*VIEW_ROLES)
def record_page(record_id: str) -> Any:
    """Images and fields side by side; each field highlights its box."""
    record = load_record(record_id)
    audit_record_view(record.record_id)
    user = current_user()
    full_id = bool(user and user.can_see_full_id)
    can_edit = bool(user and user.role in EDIT_ROLES)
    form = _correction_form(record) if can_edit else None
    if form is not None:
        form.version.data = record.version
        failing = present.failing_field(record)
        if failing:
            form.field.data = failing
    return render_template(
        "ui/record.html",
        record=record,
        rows=present.field_rows(record, full_id),
        form=form,
        action_form=ActionForm(),
        can_edit=can_edit,
        full_id=full_id,
    )


@bp.get("/records/<record_id>/pages/<int:page_index>/<kind>.jpg")
@requires_role(*VIEW_ROLES)
def page_image(record_id: str, page_index: int, kind: str) -> Response:
    """A page image (prepared = deskewed view, original = as scanned), streamed from the copies."""
    if kind not in PAGE_KINDS:
        raise NotFound("没有这种页面图像。")
    record = load_record(record_id)
    if page_index >= max(1, len(record.pages)):
        raise NotFound("没有这一页。")
    data = _archive().page_image(record.record_id, page_index, kind)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/records/<record_id>/correct")
@requires_role(*EDIT_ROLES)
def correct(record_id: str) -> Any:
    """Save one field correction as a new version (who, when, old, new, why)."""
    record = load_record(record_id)
    form = _correction_form(record)
    if not form.validate_on_submit():
        flash("更正未保存：请选择字段并填写更正原因。", "error")
        return redirect(url_for("ui.record_page", record_id=record.record_id))
    if form.version.data != record.version:
        flash("该记录已被他人修改，请核对最新内容后重新更正。", "error")
        return redirect(url_for("ui.record_page", record_id=record.record_id))
    user = current_user()
    try:
        _archive().correct_fields(
            record.record_id,
            {str(form.field.data): form.value.data or None},
            user.username if user else "?",
            form.reason.data or "",
        )
    except MarriageArchiveError as exc:
        if exc.http_status >= 500:
            raise
        flash(f"更正未保存：{exc.message}", "error")
        return redirect(url_for("ui.record_page", record_id=record.record_id))
    current_app.extensions["marriage_archive"].metrics.corrections.labels("correct").inc()
    log.info("field corrected on a record")
    flash("更正已保存（新版本）。", "ok")
    return redirect(url_for("ui.record_page", record_id=record.record_id))


@bp.post("/records/<record_id>/verify")
@requires_role(*EDIT_ROLES)
def verify(record_id: str) -> Any:
    """Mark the record verified (a new version)."""
    record = load_record(record_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user()
    _archive().mark_verified(record.record_id, user.username if user else "?")
    current_app.extensions["marriage_archive"].metrics.corrections.labels("verify").inc()
    flash("已标记为核验通过。", "ok")
    return redirect(url_for("ui.record_page", record_id=record.record_id))


@bp.get("/records/<record_id>/history")
@requires_role(*VIEW_ROLES)
def history(record_id: str) -> Any:
    """Every version of every field: who, when, old, new, why."""
    record = load_record(record_id)
    user = current_user()
    rows = present.history_rows(
        _archive().field_history(record.record_id), bool(user and user.can_see_full_id)
    )
    return render_template("ui/history.html", record=record, rows=rows)
