"""The offline stack: embedded Postgres, sample shop, local Airflow home.

Nothing in this package is deployed to MWAA; DAGs and plugins never import it.
"""
