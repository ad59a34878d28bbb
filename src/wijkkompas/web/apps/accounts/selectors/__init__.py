"""What the account pages read: people and their roles (:mod:`.people`) and whether two-factor
login is on (:mod:`.two_factor`). Nothing here writes; every write is in :mod:`..services`."""
