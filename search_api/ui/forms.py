"""WTForms of the clerk UI (every POST carries a CSRF token via Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class CorrectionForm(FlaskForm):
    field = SelectField("字段", validators=[DataRequired()], choices=[])
    value = StringField("新值", validators=[Optional(), Length(max=200)])
    reason = StringField("更正原因", validators=[DataRequired(), Length(min=2, max=500)])
    version = IntegerField("版本", validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button-only form (verify, logout): the CSRF token is its only field."""

    version = IntegerField("版本", validators=[Optional()])
