"""kaohe: scoring, grading and publishing for Chinese government staff assessments."""

__version__ = "0.1.0"
