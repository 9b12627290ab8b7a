"""Scheme files, their validation and the writing guide (see tests/README.md)."""
