"""Simulation of a county's parcel flows: the demand model (pure, seeded) and its parameters.

The simulation itself runs through the real services (`services.simulation`); what-if
comparisons are in `services.scenarios`.
"""
