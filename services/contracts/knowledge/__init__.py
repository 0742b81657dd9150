"""The published contract of the knowledge register (`knowledge`): knowledge items and case
studies, and the province-based public campaign issues. Its events and their payload schemas
(`events`), the schemas of its commands and answers (`schemas`), its code lists
(`vocabulary`), its limits (`limits`), its texts (`messages`) and what stored content may hold
(`content`). The gateway and reporting import these, never the service's own modules."""
