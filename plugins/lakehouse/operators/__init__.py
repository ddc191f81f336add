"""Operators: thin Airflow tasks over the lakehouse hooks. Importing them stays cheap (no pyarrow)."""
