"""Tests of the store stage (see tests/README.md)."""
