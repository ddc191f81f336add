"""Write-audit-publish for silver and gold: plan, stage (Athena CTAS), audit, publish (Glue)."""
