"""Ship the repository to Amazon MWAA: `make package` builds dist/, `make deploy ENV=...` uploads it.

MWAA reads three things from its S3 source bucket: a dags folder (synced to
every container within about 30 seconds), and plugins.zip and requirements.txt
pinned by object version (a new version only takes effect through an
environment update, which restarts every container). The modules here keep
the cheap path cheap: DAG files are uploaded one by one as they change, and
the environment is updated only when one of the pinned versions really moved.
(terraform_inputs, beside them, writes the names Terraform shares with the DAG.)
"""
