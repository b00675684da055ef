"""Check-in: the rule, single scans and batches, tokens, walk-ins, self check-in, corrections."""
