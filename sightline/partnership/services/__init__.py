"""Every write in the partnership area: atomic, with an explicit actor and an audit entry."""
