"""One router per resource noun."""
