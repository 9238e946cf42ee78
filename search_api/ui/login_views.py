"""Login, logout and the start page."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from search_api.auth import check_login, current_user, public, requires_role
from search_api.ui import bp
from search_api.ui.forms import ActionForm, LoginForm

log = logging.getLogger("marriage_archive.search_api.ui")

HOME_BY_ROLE = {"operator": "ui.dashboard"}


def _services() -> Any:
    return current_app.extensions["marriage_archive"]


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    """The login form; five wrong passwords lock an account for five minutes."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        services = _services()
        user = check_login(services.settings, form.username.data or "", form.password.data or "")
        if user is not None:
            session.clear()  # no session fixation: a fresh session for the new login
            login_user(user)
            services.metrics.logins.labels("ok").inc()
            home = url_for(HOME_BY_ROLE.get(user.role, "ui.search"))
            return redirect(_safe_next(form.next.data) or home)
        services.metrics.logins.labels("failed").inc()
        flash("用户名或密码错误（连续错误5次将锁定5分钟）。", "error")
        return render_template("ui/login.html", form=form), 401
    return render_template("ui/login.html", form=form)


@bp.post("/logout")
@requires_role("clerk", "reviewer", "operator", "admin")
def logout() -> Any:
    """End the session (POST with CSRF token, so no cross-site logout)."""
    if ActionForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("ui.login"))


@bp.get("/")
@requires_role("clerk", "reviewer", "operator", "admin")
def home() -> Any:
    """Start page by role: operators to the dashboard, everyone else to search."""
    user = current_user()
    role = user.role if user else ""
    return redirect(url_for(HOME_BY_ROLE.get(role, "ui.search")))
