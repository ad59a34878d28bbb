"""What the data page reads: what the analytic store holds (:mod:`.overview`) and how far a job
is, in words (:mod:`.status`)."""
