"""Report builders: the attendance summary and its lists as CSV, XLSX and PDF.

Shared pieces other reports reuse: ``cells`` (values safe to hand to a spreadsheet),
``csv`` and ``xlsx`` (streaming writers), ``document`` (the party-document PDF layout).
No Flask here: callers pass the DB session and a binary file to write to.
"""
