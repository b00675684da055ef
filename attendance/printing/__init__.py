"""Printed material: invitation cards with personal QR codes and venue posters (PDF)."""
