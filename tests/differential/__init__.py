"""The differential runner: the same requests to every live target, normalised answers compared."""
