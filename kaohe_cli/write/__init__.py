"""Last stage: result and annual workbooks, the input template, docx notices and atomic file output.
Takes scored results and archive rows; gives files, written atomically, never over another run's file."""
