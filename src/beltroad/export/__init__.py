"""Exports: records out as files other tools read.

``iati_xml`` writes IATI 2.03 activity XML (streamed, in XSD element order) and validates it
against the IATI schema; ``tabular`` writes CSV, XLSX, Parquet and GeoJSON. Exporters take
records and a destination and know no tables: ``beltroad.services`` reads storage and calls them.
"""
