"""Hooks: connections to the systems the pipeline reads from, with no Airflow task logic in them."""
