"""Operation Encompass (DOMAIN.md T10): a police domestic abuse incident reaches the school of
each child of the household before the start of the next school day."""
