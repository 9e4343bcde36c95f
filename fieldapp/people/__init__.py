"""People the units meet: identified or not, with self-reported demographics."""
