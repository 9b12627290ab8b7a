"""Tests of the normalize stage (see tests/README.md)."""
