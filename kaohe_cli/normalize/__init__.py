"""Stage 2: located tables → typed frames (roster, units, attendance, events, ratings) and Issues.
Takes `read` tables (and `attendance` counts); gives pandas frames keyed by 工号 or unit."""
