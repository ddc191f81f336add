# The VPC MWAA runs in: two private subnets (MWAA needs exactly two, in two
# zones), VPC endpoints so AWS API traffic (S3, Glue, Athena, Secrets Manager,
# STS, CloudWatch, and MWAA's own SQS and KMS) never leaves AWS's network, an
# optional NAT gateway for PyPI, flow logs, and a closed default security group.

# Two named zones, not "the first two available": the subnets must not move
# when AWS adds a zone.
data "aws_availability_zones" "pinned" {
  state = "available"

  filter {
    name   = "zone-name"
    values = ["${var.region}a", "${var.region}b"]
  }
}

locals {
  zones = data.aws_availability_zones.pinned.names
  # Interface endpoints: the issue's list plus what MWAA's workers call.
  interface_endpoints = ["glue", "athena", "secretsmanager", "sts", "logs", "monitoring", "sqs", "kms"]
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }
}

resource "aws_default_security_group" "closed" {
  # No rules: nothing may use the VPC's default security group.
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.this.id
  availability_zone = local.zones[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)

  tags = { Name = "${var.name}-private-${local.zones[count.index]}" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name}-private" }
}

resource "aws_route_table_association" "private" {
  count = 2

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# Egress to the internet (PyPI for requirements.txt) through one NAT gateway.
resource "aws_subnet" "public" {
  count = var.internet_egress ? 1 : 0

  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.zones[0]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 15)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-public-nat" }
}

resource "aws_internet_gateway" "this" {
  count = var.internet_egress ? 1 : 0

  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "public" {
  count = var.internet_egress ? 1 : 0

  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
}

resource "aws_route_table_association" "public" {
  count = var.internet_egress ? 1 : 0

  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count = var.internet_egress ? 1 : 0

  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  count = var.internet_egress ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route" "private_egress" {
  count = var.internet_egress ? 1 : 0

  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

# MWAA's security group: its components talk to each other (MWAA requires a
# self-referencing rule); outward only HTTPS (endpoints, PyPI) and Postgres.
resource "aws_security_group" "mwaa" {
  #checkov:skip=CKV2_AWS_5:Attached to the MWAA environment in modules/mwaa (network_configuration), which checkov does not follow across modules.
  name        = "${var.name}-mwaa"
  description = "MWAA scheduler, workers and web server"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "mwaa_self" {
  security_group_id            = aws_security_group.mwaa.id
  description                  = "MWAA components reach each other"
  referenced_security_group_id = aws_security_group.mwaa.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "mwaa_self" {
  security_group_id            = aws_security_group.mwaa.id
  description                  = "MWAA components reach each other"
  referenced_security_group_id = aws_security_group.mwaa.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "mwaa_https" {
  security_group_id = aws_security_group.mwaa.id
  description       = "HTTPS to the VPC endpoints and, through NAT, to PyPI"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "mwaa_postgres" {
  for_each = toset(var.postgres_cidr_blocks)

  security_group_id = aws_security_group.mwaa.id
  description       = "The source Postgres (postgres_oltp)"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-vpc-endpoints"
  description = "Interface VPC endpoints, reached by MWAA over HTTPS"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_mwaa" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from MWAA"
  referenced_security_group_id = aws_security_group.mwaa.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = { Name = "${var.name}-s3" }
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(local.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${var.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = { Name = "${var.name}-${each.value}" }
}

# Flow logs: who talked to what, kept for log_retention_days, encrypted.
resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/vpc/${var.name}/flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "flow_logs_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_trust.json
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [aws_cloudwatch_log_group.flow_logs.arn, "${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "deliver-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn    = aws_iam_role.flow_logs.arn
}
