"""Learning outcomes: units' result reports, learning essays, the knowledge check."""
