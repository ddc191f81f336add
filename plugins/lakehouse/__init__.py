"""airflow-lakehouse: operators, hooks and the pipeline config model.

Deployed to MWAA inside plugins.zip; Airflow puts plugins/ on sys.path, so DAGs
import it as `lakehouse`. Keep module-level imports light: DAG files import
this package at parse time.
"""
