"""From an uploaded workbook to canonical rows: read, map columns, normalise, validate, store."""
