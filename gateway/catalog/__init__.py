"""The catalog: every SOP of every service, searchable, with its service standard."""
