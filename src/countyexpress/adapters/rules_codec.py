"""OperatingRules to and from plain dicts (TOML in packs, JSON in the database)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from countyexpress.domain.lockers import LockerFees
from countyexpress.domain.operations import OperatingRules, ScreeningRules, Tariff
from countyexpress.domain.scans import ScanWindow
from countyexpress.domain.shelves import HandoverPolicy, ShelfLayout
from countyexpress.errors import InvalidValue

SECTIONS = ("tariff", "screening", "shelves", "handover", "locker_fees", "scan_window")
RETIRED_HANDOVER_KEYS = ("station_failures_per_window", "station_window_minutes")
"""The station-wide hand-over budget, replaced by the per-client one (issue 11): read from
rules stored before and ignored, so the per-client defaults apply."""


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidValue(field, f"{value!r} is not an amount") from None
    return amount


def _section(data: Mapping[str, Any], name: str, allowed: set[str]) -> dict[str, Any]:
    section = data.get(name) or {}
    if not isinstance(section, Mapping):
        raise InvalidValue(f"operations.{name}", "must be a table")
    unknown = set(section) - allowed
    if unknown:
        raise InvalidValue(f"operations.{name}", f"unknown key(s): {', '.join(sorted(unknown))}")
    return dict(section)


def rules_from_dict(data: Mapping[str, Any]) -> OperatingRules:
    """Operating rules from a dict; InvalidValue names the key at fault."""
    unknown = set(data) - {*SECTIONS, "return_after_days", "stuck_after_hours"}
    if unknown:
        raise InvalidValue("operations", f"unknown key(s): {', '.join(sorted(unknown))}")
    t = _section(data, "tariff", {"default_per_parcel", "per_parcel", "free_kg", "per_kg_over"})
    tariff = Tariff(
        default_per_parcel=_money(t.get("default_per_parcel", "0.80"), "tariff.default_per_parcel"),
        per_parcel={
            str(k): _money(v, f"tariff.per_parcel.{k}")
            for k, v in (t.get("per_parcel") or {}).items()
        },
        free_kg=float(t.get("free_kg", 3.0)),
        per_kg_over=_money(t.get("per_kg_over", "0.20"), "tariff.per_kg_over"),
    )
    s = _section(data, "screening", {"sorting_center", "bypass_offices"})
    screening = ScreeningRules(
        sorting_center=str(s.get("sorting_center", "")),
        bypass_offices={str(k): str(v) for k, v in (s.get("bypass_offices") or {}).items()},
    )
    sh = _section(data, "shelves", {"shelves", "capacity"})
    shelves = ShelfLayout(
        shelves=tuple(str(x) for x in sh.get("shelves", ShelfLayout().shelves)),
        capacity=int(sh.get("capacity", ShelfLayout().capacity)),
    )
    h = _section(
        data,
        "handover",
        {
            "max_failures",
            "lockout_minutes",
            "client_failures_per_window",
            "client_window_minutes",
            *RETIRED_HANDOVER_KEYS,
        },
    )
    d = HandoverPolicy()
    handover = HandoverPolicy(
        max_failures=int(h.get("max_failures", d.max_failures)),
        lockout=timedelta(minutes=float(h.get("lockout_minutes", d.lockout.total_seconds() / 60))),
        client_failures_per_window=int(
            h.get("client_failures_per_window", d.client_failures_per_window)
        ),
        client_window=timedelta(
            minutes=float(h.get("client_window_minutes", d.client_window.total_seconds() / 60))
        ),
    )
    lf = _section(data, "locker_fees", {"free_hours", "period_hours", "fee_per_period", "cap"})
    dl = LockerFees()
    locker_fees = LockerFees(
        free_hours=float(lf.get("free_hours", dl.free_hours)),
        period_hours=float(lf.get("period_hours", dl.period_hours)),
        fee_per_period=_money(lf.get("fee_per_period", dl.fee_per_period), "locker_fees.fee"),
        cap=_money(lf.get("cap", dl.cap), "locker_fees.cap"),
    )
    sw = _section(data, "scan_window", {"days_back", "minutes_ahead"})
    dw = ScanWindow()
    scan_window = ScanWindow(
        days_back=int(sw.get("days_back", dw.days_back)),
        minutes_ahead=int(sw.get("minutes_ahead", dw.minutes_ahead)),
    )
    return OperatingRules(
        tariff=tariff,
        screening=screening,
        return_after_days=int(data.get("return_after_days", 7)),
        stuck_after_hours=int(data.get("stuck_after_hours", 48)),
        shelves=shelves,
        handover=handover,
        locker_fees=locker_fees,
        scan_window=scan_window,
    )


def rules_to_dict(rules: OperatingRules) -> dict[str, Any]:
    """A dict that `rules_from_dict` reads back to equal rules (amounts as strings)."""
    t, s, h, lf = rules.tariff, rules.screening, rules.handover, rules.locker_fees
    return {
        "return_after_days": rules.return_after_days,
        "stuck_after_hours": rules.stuck_after_hours,
        "tariff": {
            "default_per_parcel": str(t.default_per_parcel),
            "per_parcel": {k: str(v) for k, v in t.per_parcel.items()},
            "free_kg": t.free_kg,
            "per_kg_over": str(t.per_kg_over),
        },
        "screening": {"sorting_center": s.sorting_center, "bypass_offices": dict(s.bypass_offices)},
        "shelves": {"shelves": list(rules.shelves.shelves), "capacity": rules.shelves.capacity},
        "handover": {
            "max_failures": h.max_failures,
            "lockout_minutes": h.lockout.total_seconds() / 60,
            "client_failures_per_window": h.client_failures_per_window,
            "client_window_minutes": h.client_window.total_seconds() / 60,
        },
        "locker_fees": {
            "free_hours": lf.free_hours,
            "period_hours": lf.period_hours,
            "fee_per_period": str(lf.fee_per_period),
            "cap": str(lf.cap),
        },
        "scan_window": {
            "days_back": rules.scan_window.days_back,
            "minutes_ahead": rules.scan_window.minutes_ahead,
        },
    }
