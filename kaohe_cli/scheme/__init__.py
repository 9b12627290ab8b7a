"""Schemes as data: the pydantic model and the loader of built-in and user TOML files."""

from kaohe_cli.scheme.loader import builtin_ids, load_scheme, scheme_hash
from kaohe_cli.scheme.model import Scheme

__all__ = ["Scheme", "builtin_ids", "load_scheme", "scheme_hash"]
