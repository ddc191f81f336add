# The local AWS endpoint (moto + Athena in DuckDB + a Glue crawler) for docker-compose users.
# Built from the repository root: docker compose build local-aws
FROM python:3.12-slim
WORKDIR /opt/lakehouse
COPY constraints.txt constraints-dev.txt docker/local-aws.requirements.txt ./
RUN pip install --no-cache-dir -r local-aws.requirements.txt -c constraints.txt -c constraints-dev.txt
COPY local/ local/
COPY plugins/ plugins/
COPY include/ include/
# the IAM roles and policies the endpoint enforces are rendered from terraform/ (iam_render.py)
COPY terraform/ terraform/
# The lake (S3 objects, the Glue catalog) is kept under LAKEHOUSE_AWS_STATE_DIR across restarts;
# docker-compose.yaml mounts a named volume there.
ENV PYTHONPATH=/opt/lakehouse:/opt/lakehouse/plugins \
    LAKEHOUSE_INCLUDE_DIR=/opt/lakehouse/include \
    LAKEHOUSE_AWS_STATE_DIR=/var/lib/local-aws/lake \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
EXPOSE 4566
CMD ["python", "-m", "local.aws", "--host", "0.0.0.0", "--port", "4566"]
