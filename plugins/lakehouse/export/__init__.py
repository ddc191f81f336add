"""The bronze export's moving parts: the SELECT it runs, the Parquet stream, the S3 partition it replaces."""
