"""Co-design: proposals that answer barriers, operators' feasibility, prioritisation and the phase synthesis."""
