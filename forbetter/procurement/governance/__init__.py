"""The procurement area's governance and trust part: governance options compared (contract, joint-venture
company, other) and the choice; key people in each bid against the delivery team (continuity); meetings
between bidders and council staff; heads-of-service briefings; bidders' positions on formal review points and
on the allocation of each risk category beside the council's."""
