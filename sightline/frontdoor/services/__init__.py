"""Front door services: every write to contacts, information requests and decisions."""
