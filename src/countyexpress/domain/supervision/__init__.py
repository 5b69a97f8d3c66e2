"""The regulator's half of the plan as pure rules: records with a lifecycle, clocks on the
county's working-day calendar, credit with its blacklist, and random inspections.

One mechanism serves every registry of the plan (DESIGN.md, "Supervision"): a kind is data
(`RecordKind`), a time limit is a `ClockRule` of the county pack, and credit events feed one
scoring (`CreditRules`). Nothing here does I/O.
"""
