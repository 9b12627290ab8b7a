"""Tests of the engine stage (see tests/README.md)."""
