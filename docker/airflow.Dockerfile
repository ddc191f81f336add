# Airflow for docker-compose users: the official image at the version MWAA runs
# (requirements.txt pins it), with the project's requirements from our lock.
FROM apache/airflow:3.3.1-python3.12
COPY requirements.txt constraints.txt /opt/lakehouse/
RUN grep -v '^--constraint' /opt/lakehouse/requirements.txt > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt -c /opt/lakehouse/constraints.txt
