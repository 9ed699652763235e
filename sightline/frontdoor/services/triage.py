"""Working a contact at the front door: claim, reassign, identify the child.

(Owned by the triage work; see frontdoor/views/triage.py.)
"""
