"""Casework services: every write, one module per side of the pathway.

`episodes`: referral to closure (episodes, assessments, visits, supervision, transfers).
`protection` and `plans`: strategy discussions, S47 enquiries, conferences, plans.
"""
