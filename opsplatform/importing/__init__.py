"""What every import of a CSV/XLSX file shares, whatever it imports: reading the
file as a stream with a row cap (``files``), turning a cell into a value
(``cells``) and the report of every bad row by line and column (``report``).
Each import builds its checks and writes on these and on the header row and a
row's cells (``table``, ``rows``); a module's import and export pages are the
kernel's too (``page``, with its templates under opsplatform/importing/).
"""
