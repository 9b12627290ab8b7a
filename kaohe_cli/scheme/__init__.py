"""Schemes as data: the pydantic model, the built-in TOML files and the loader of user scheme files.
Takes a scheme id or a TOML path; gives a validated `Scheme` (or a `SchemeError` naming the line and key)."""

from kaohe_cli.scheme.loader import builtin_ids, load_scheme, scheme_hash
from kaohe_cli.scheme.model import Scheme

__all__ = ["Scheme", "builtin_ids", "load_scheme", "scheme_hash"]
