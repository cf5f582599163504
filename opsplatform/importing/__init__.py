"""What every import of a CSV/XLSX file shares, whatever it imports: reading the
file as a stream with a row cap (``files``), turning a cell into a value
(``cells``) and the report of every bad row by line and column (``report``).
The employee and leave imports build their checks and writes on these.
"""
