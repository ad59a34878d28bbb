"""What the participation pages and downloads read: the areas residents choose from
(:mod:`.areas`), the resident codes in play (:mod:`.codes`), the front door and a resident's
own data (:mod:`.residents`), initiatives (:mod:`.initiatives`), neighbourhood budgets, their
ballots and outcome (:mod:`.budgets`), the survey and its results (:mod:`.surveys`),
participation in figures (:mod:`.participation_figures`), felt beside measured (:mod:`.felt`),
and what the monitor's store says for residents' figures (:mod:`.monitor_store`).

Nothing here writes; every write is in :mod:`..services`. A write that needs what a page shows
(the ballot paper, a survey's results) reads it here, so the page and the write cannot differ.
"""
