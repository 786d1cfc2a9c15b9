"""The procurement area's competition part: the procurement plan, milestones, notices and standstill; the
conflicts-of-interest register; bidders, rounds and competitive pressure; bidder meetings and heads-of-
service briefings."""
