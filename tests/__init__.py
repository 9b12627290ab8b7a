"""The test suite; its folders mirror the stages of kaohe_cli (see tests/README.md)."""
