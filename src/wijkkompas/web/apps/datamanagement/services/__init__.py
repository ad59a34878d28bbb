"""What the data page writes: import and index jobs run in the background (:mod:`.jobs`) and the
uploaded files they read (:mod:`.uploads`)."""
