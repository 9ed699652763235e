"""Risk management meetings (issue 15 section 3): the daily risk assessment meeting (DRAM),
MARAC and the multi-agency child exploitation meeting, as one kind of record."""
