"""The procurement area's competition part: the overview, the procurement plan (procedure, milestones,
notices, standstill), the conflicts-of-interest register, and bidders and rounds with competitive pressure."""
