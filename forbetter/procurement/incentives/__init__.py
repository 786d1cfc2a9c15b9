"""The procurement area's incentives part: bids priced into a new draft business-case version; bidders'
proposed payment mechanisms simulated on scenarios; what each pricing mechanism incentivises. (The KPI
agreement states, proposed to negotiated to agreed, live in the performance app.)"""
