output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "The two private subnets MWAA runs in."
  value       = aws_subnet.private[*].id
}

output "mwaa_security_group_id" {
  description = "Security group of the MWAA environment."
  value       = aws_security_group.mwaa.id
}
