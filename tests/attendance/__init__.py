"""Tests of the attendance stage (see tests/README.md)."""
