"""Forecasts of what a county will order, item by item, for the front warehouse (前置仓).

statsforecast does the models, behind `statsforecast_adapter.py`; `forecaster.py` adds the
festival effects and the choice of model per item; `synth.py` makes seeded test data."""
