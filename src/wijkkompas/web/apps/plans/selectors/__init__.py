"""What the plans app reads for its pages, exports and API: the monitor's figures for goals
(:mod:`.monitor`, :mod:`.progress`), the overview of plans, budgets per partner and year, and
which plans cover a region. Nothing here writes; every write is in :mod:`..services`."""
