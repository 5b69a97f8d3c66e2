"""Planning: siting, routing, forecasting, simulation; each solver call kept in one file."""
