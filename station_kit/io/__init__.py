"""Files in and out (DESIGN.md §5): PDF notices and certificates, Excel and CSV import and export.

Pure file formats: nothing here opens the database. Services fill the plain data these modules read
and write, so a PDF or a spreadsheet never sees a table row.
"""
