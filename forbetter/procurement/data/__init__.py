"""Data the procurement area ships: what each pricing mechanism incentivises (pricing_mechanisms.json)."""
