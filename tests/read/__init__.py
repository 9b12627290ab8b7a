"""Tests of the read stage (see tests/README.md)."""
