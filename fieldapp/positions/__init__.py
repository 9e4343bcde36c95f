"""Where each unit is: the positions its crew's phones send, the latest per unit, the distance ranking."""
