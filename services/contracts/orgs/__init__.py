"""The published contract of the organization register (`orgs`): its events and their payload
schemas (`events`), the schemas of its commands and answers (`schemas`), its code lists
(`vocabulary`), its limits (`limits`), its texts (`messages`) and its spreadsheet columns
(`sheet`). The gateway and reporting import these, never the service's own modules."""
