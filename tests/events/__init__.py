"""Tests of the events stage (see tests/README.md)."""
