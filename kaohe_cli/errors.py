"""Every named failure of the library, in one place.

Library code raises these; commands turn them into Chinese messages and exit codes.
Each carries a message (what is wrong) and a hint (how to fix it).
"""

from __future__ import annotations


class KaoheError(Exception):
    """Base of every failure the user can act on."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "", *, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def text(self) -> str:
        head = f"{self.where}：" if self.where else ""
        tail = f"（{self.hint}）" if self.hint else ""
        return f"{head}{self.message}{tail}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.text()


class InputErrors(KaoheError):
    """The input has errors; `issues` lists them all."""

    def __init__(self, issues: list, message: str = "输入有错误，未写出任何结果") -> None:
        super().__init__(message, "请按上表逐项修改后重新运行")
        self.issues = issues


class UnreadableFile(KaoheError):
    """A file cannot be read as a workbook (corrupt, encrypted, not a workbook, hostile)."""


class SchemeError(KaoheError):
    """A scheme file is missing, malformed or inconsistent."""


class ConfigError(KaoheError):
    """`kaohe.toml` is malformed or holds an unknown or invalid key."""


class PeriodError(KaoheError):
    """A period is missing, malformed or does not fit the scheme."""


class UsageError(KaoheError):
    """The command line asks for something contradictory or impossible."""

    exit_code = 2


class SeveralSchemes(UsageError):
    """The archive holds runs of several schemes where one is needed; `--scheme` chooses."""


class DecisionRefused(KaoheError):
    """A committee decision names an unknown subject or grade, or would take a place unasked."""


class Undecided(KaoheError):
    """A 公示 was asked for a period whose result still holds 并列待定."""


class OutputExists(KaoheError):
    """An output file exists and `--force` was not given."""


class UnsafePath(KaoheError):
    """A path from configuration points outside the workspace."""


class ArchiveError(KaoheError):
    """The archive cannot be opened, read or written."""


class ArchiveTooNew(ArchiveError):
    """The archive was written by a newer kaohe with a schema this version does not know."""


class NotFound(KaoheError):
    """A run, period, person or unit asked for is not in the archive."""


class TemplateError(KaoheError):
    """A notice template is missing, malformed or uses something the sandbox forbids."""


class ConverterMissing(KaoheError):
    """An external converter (LibreOffice) needed for `--pdf` is not installed."""


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Chinese (the system's own text may be English)."""
    import errno

    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "没有权限，或文件正被其他程序（如 Excel、WPS）打开"
    reasons = {
        errno.ENOSPC: "磁盘已满",
        errno.EROFS: "磁盘或文件夹是只读的",
        errno.ENOENT: "文件夹不存在",
        errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
        errno.EEXIST: "路径中有同名的文件，挡住了要建的文件夹",
        errno.EISDIR: "这是一个文件夹",
        errno.ENAMETOOLONG: "文件名或路径太长",
        errno.EBUSY: "文件正被其他程序占用",
        errno.EINVAL: "文件名中有系统不允许的字符",
    }
    found = reasons.get(exc.errno or -1)
    if found:
        return found
    if getattr(exc, "winerror", None) == 32:  # ERROR_SHARING_VIOLATION
        return "文件正被其他程序（如 Excel、WPS）打开"
    return f"系统拒绝了这次操作（错误号 {exc.errno}）"


class PointsOverflow(KaoheError):
    """An amount of points lies beyond the engine's exact range (`kaohe_cli.domain.points.MAX_POINTS`).

    Raised instead of letting int64 micro-points wrap around. Input bounds
    (`kaohe_cli.read.values.LIMITS`) keep valid input far inside the range, so this names
    an input those checks did not see, or a bug; it is never silent.
    """
