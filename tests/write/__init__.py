"""Tests of the write stage (see tests/README.md)."""
