"""The knowledge register: knowledge items and case studies, and the campaign issues (issue 14)."""
