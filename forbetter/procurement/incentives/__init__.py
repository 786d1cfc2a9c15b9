"""The procurement area's incentives part: bids priced into a new draft business-case version; bidders'
proposed payment mechanisms simulated on scenarios; what each pricing mechanism incentivises; bidders'
positions on review points and risk allocation (the KPI agreement states live in the performance app)."""
