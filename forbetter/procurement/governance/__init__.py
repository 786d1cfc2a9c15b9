"""The procurement area's governance part: governance options compared (contract, joint-venture company,
other) and the choice; key people in each bid against the delivery team (continuity)."""
