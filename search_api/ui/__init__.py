"""The clerk web UI (Simplified Chinese, server-rendered, works without JavaScript).

Public surface::

    init_app(app)     # registers the "ui" blueprint, its error pages and template helpers
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request
from werkzeug.exceptions import HTTPException

from schemas.errors import MarriageArchiveError
from search_api.auth import current_user
from search_api.ui import present

bp = Blueprint(
    "ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

ERROR_TITLES = {
    400: "请求无效",
    401: "请先登录",
    403: "没有权限",
    404: "未找到",
    409: "记录已被他人修改",
    413: "请求过大",
    422: "输入有误",
    429: "请求过于频繁",
    500: "系统错误",
    503: "服务暂不可用",
}


def init_app(app: Flask) -> None:
    """Register the UI blueprint, template globals and HTML error pages."""
    from search_api.ui import admin_views, login_views, record_views, search_views  # noqa: F401

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        viewer=current_user,
        labels=present,
    )
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MarriageArchiveError, _our_error)


def _http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    return _render_error(code, ERROR_TITLES.get(code, "错误"), "")


def _our_error(exc: MarriageArchiveError) -> Any:
    # 5xx messages are for operators (they may name files): the page shows the title only
    message = exc.message if exc.http_status < 500 else ""
    return _render_error(exc.http_status, ERROR_TITLES.get(exc.http_status, "错误"), message)


def _render_error(code: int, title: str, message: str) -> Any:
    if request.path.endswith(".json"):
        return {"error": {"status": code, "title": title}}, code
    # the message is ours (no traceback, SQL or path); werkzeug's default texts are English
    return render_template("ui/error.html", code=code, title=title, message=message), code
