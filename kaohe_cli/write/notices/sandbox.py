"""The Jinja sandbox notices are rendered in, and its failures told in Chinese.

A clerk may edit a template in Word or WPS, so it is untrusted: it is rendered in
`jinja2.sandbox.ImmutableSandboxedEnvironment` with autoescaping, a missing key is an error
naming it, and every value is made XML-safe and printed as typed (see `_finalize`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from kaohe_cli.errors import TemplateError


def rebuild_hint(template: Path) -> str:
    """How to get a usable template back: the clerk's own folder, or a damaged installation."""
    from kaohe_cli.packaged import templates_dir

    if template.parent.resolve() == templates_dir().resolve():
        return "内置模板缺失或损坏，请重新安装 kaohe（pip install --force-reinstall kaohe）"
    return (f"请修正模板文件夹 {template.parent} 中的 {template.name}；"
            "也可以删除它，或清空 kaohe.toml 的 templates_dir，改用内置模板")


# Characters XML 1.0 cannot hold, plus \a and \f, which docxtpl would turn into new
# paragraphs and page breaks. \t and \n stay (tab, line break); \r is dropped.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def _finalize(value: object) -> object:
    """Every printed value: None → blank; text made XML-safe, and always escaped afterwards
    (`str(...)` drops a `Markup` wrapper that would otherwise bypass autoescaping).

    After rendering, docxtpl turns `{_{`, `}_}`, `{_%` and `%_}` into template braces (its
    way to write `{{` in a template); in a value they are written as character references
    (`&#123;_`), escaped here, so they reach the letter as typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = _BAD_CHARS.sub("", str(value).replace("\r\n", "\n"))
        if "{_" in text or "_}" in text:
            return Markup(str(escape(text)).replace("{_", "&#123;_").replace("_}", "_&#125;"))
        return text
    return value


def environment() -> jinja2.Environment:
    """The sandbox every notice template is compiled in."""
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )


def _snippet(exc: Exception) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    return f"，附近文字：{' / '.join(lines)[:120]}" if lines else ""


def template_error(exc: Exception, template: Path, keys: Iterable[str]) -> TemplateError:
    """A rendering failure in Chinese: the sandbox, a missing key, a syntax error, broken XML."""
    name = template.name
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(
            f"通知模板 {name} 使用了不允许的写法（{exc}）",
            "模板中只能引用通知字段，例如 {{ name }}、{{ period_label }}",
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.UndefinedError):
        return TemplateError(
            f"通知模板 {name} 使用了未提供的字段 {_undefined_name(exc)}",
            "可用字段：" + "、".join(sorted(keys)),
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.TemplateSyntaxError):
        return TemplateError(
            f"通知模板 {name} 中的标记有语法错误：{exc.message}{_snippet(exc)}",
            "请检查 {{ }} 与 {% %} 是否成对、拼写是否正确",
            where=str(template),
        )
    if isinstance(exc, jinja2.exceptions.TemplateError):
        return TemplateError(
            f"通知模板 {name} 无法生成：{exc}{_snippet(exc)}",
            rebuild_hint(template),
            where=str(template),
        )
    return TemplateError(  # ValueError, KeyError, TypeError, SyntaxError: e.g. broken XML
        f"通知模板 {name} 生成的文档结构无效（{exc}）",
        "请检查表格行中的 {%tr %} 标记是否完整",
        where=str(template),
    )


# What rendering a broken template raises; `template_error` turns each into a `TemplateError`.
RENDER_FAILURES = (jinja2.exceptions.TemplateError, ValueError, KeyError, TypeError, SyntaxError)


def _undefined_name(exc: Exception) -> str:
    m = re.search(r"'([^']+)' is undefined", str(exc))
    if m:
        return m.group(1)
    m = re.search(r"has no attribute '([^']+)'", str(exc))
    return m.group(1) if m else str(exc)
