"""The hand-computed cases, sample data, golden workbooks and properties (see tests/README.md)."""
