"""Recommendations: the facilitator groups prioritised proposals into recommendations addressed to the bodies
that own the services, with the evidence behind them and quotes their authors allowed."""
