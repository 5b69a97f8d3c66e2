"""Demand for the front warehouse (前置仓): the festival calendar, festival uplift, ABC/XYZ
classes and base-stock maths. Pure Python; the forecasting models live in
`countyexpress.planning.forecasting`."""
