"""Writers: graded workbooks, the archive and the docx notices."""
