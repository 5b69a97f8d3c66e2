"""Route sheets (PDF) and the map (GeoJSON) of a small two-vehicle plan."""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
import segno

from countyexpress.adapters.routing.geojson import plan_geojson
from countyexpress.adapters.routing.sheets import parse_qr_payload, qr_payload, sheet_pdf
from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing import Capacity, Route, RoutePlan, VehicleKind, check_route
from countyexpress.planning.routing.daily import DaySettings, Parcel, Place, day_problem
from countyexpress.planning.routing.dayplan import DayPlan, day_plan
from countyexpress.planning.routing.fleet import Fleet, FleetVehicle

CST = dt.timezone(dt.timedelta(hours=8))
CENTRE = Place("HS-CENTER", "和硕县快递共配中心", "center", Coordinates(42.263, 86.844))
PLACES = {
    "HS-STA-01": Place("HS-STA-01", "塔拉村服务站", "station", Coordinates(42.25, 87.28)),
    "HS-LCK-01": Place("HS-LCK-01", "光明中心社区快递柜", "locker", Coordinates(42.264, 86.845)),
    "DOOR-652828200208": Place(
        "DOOR-652828200208", "泽斯特村", "door", Coordinates(42.19, 87.30), "652828200208"
    ),
}
FLEET = Fleet.of([
    FleetVehicle("HS-V01", VehicleKind.VAN, Capacity(2), plate="新F-DEMO01", cost_per_km=1.0),
    FleetVehicle("HS-T01", VehicleKind.E_TRICYCLE, Capacity(2), number="HS-KD-T01",
                 cost_per_km=0.2),
])  # fmt: skip


@pytest.fixture(scope="module")
def plan() -> DayPlan:
    """Two runs: a van to a station and a door bag, a tricycle to a locker."""
    parcels = [Parcel("W1", "zto", "HS-STA-01"), Parcel("W2", "zto", "DOOR-652828200208"),
               Parcel("W3", "yto", "HS-LCK-01", 2.0, "M")]  # fmt: skip
    dp = day_problem(CENTRE, parcels, [], PLACES, FLEET.routing("HS-CENTER"), 1.3, DaySettings())
    runs = {"HS-V01": ("HS-STA-01", "DOOR-652828200208"), "HS-T01": ("HS-LCK-01",)}
    routes = []
    for vehicle, stops in runs.items():
        f = check_route(dp.problem, vehicle, stops)
        routes.append(Route(vehicle, stops, f.distance_km, f.duration_h, f.cost))
    rp = RoutePlan(tuple(routes))
    assert rp.check(dp.problem).feasible
    made = dt.datetime(2026, 11, 28, 7, 0, tzinfo=CST)
    return day_plan("RP-652828-20261128-abc123", "652828", dt.date(2026, 11, 28), made, dp, rp,
                    rp.check(dp.problem), FLEET, CENTRE, "test")  # fmt: skip


def page_count(pdf: bytes) -> int:
    """Page objects in the PDF (not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def content_text(pdf: bytes) -> bytes:
    """Every content stream of the PDF, decoded (reportlab writes ASCII85 over Flate)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        try:
            out.append(zlib.decompress(data))
        except zlib.error:
            out.append(data)
    return b"\n".join(out)


def test_the_route_sheets_have_one_page_per_vehicle(plan: DayPlan) -> None:
    """Two runs, two pages."""
    assert page_count(sheet_pdf(plan)) == len(plan.runs) == 2


def test_each_sheet_shows_its_stop_codes_and_the_qr_payload_of_each_stop(plan: DayPlan) -> None:
    """The stop codes and each stop's plan-id + stop-code payload are printed on the sheets."""
    text = content_text(sheet_pdf(plan))
    for code in PLACES:
        assert f"({code})".encode() in text
        assert f"({qr_payload(plan.plan_id, code)})".encode() in text


def test_the_sheets_set_chinese_in_the_built_in_cid_font(plan: DayPlan) -> None:
    """STSong-Light is named in the PDF, and nothing is embedded from outside."""
    pdf = sheet_pdf(plan)
    assert b"STSong-Light" in pdf and b"FontFile" not in pdf


def test_a_qr_payload_names_the_plan_and_the_stop_and_reads_back() -> None:
    """CXR|plan|stop round-trips; other codes are not ours; it fits a small QR version."""
    payload = qr_payload("RP-652828-20261128-abc123", "DOOR-652828200208")
    assert parse_qr_payload(payload) == ("RP-652828-20261128-abc123", "DOOR-652828200208")
    assert parse_qr_payload("ZT7400000000001") is None
    assert segno.make(payload, error="m", micro=False).version <= 4


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")
def test_a_route_sheet_renders_to_an_image(plan: DayPlan, tmp_path: Path) -> None:
    """poppler renders the first page: the PDF is well-formed and the page is not blank."""
    from PIL import Image

    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(sheet_pdf(plan))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "p")], check=True, capture_output=True, timeout=60)  # fmt: skip
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as image:
        dark = sum(1 for v in image.convert("L").tobytes() if v < 128)
    assert dark > 500


def test_the_geojson_has_a_line_per_vehicle_and_a_point_per_stop_in_lon_lat(
    plan: DayPlan,
) -> None:
    """RFC 7946: [lon, lat]; each line starts and ends at the depot and passes its stops."""
    data = plan_geojson(plan)
    assert data["type"] == "FeatureCollection"
    roles = [f["properties"]["role"] for f in data["features"]]
    assert roles.count("route") == 2 and roles.count("stop") == 3 and roles.count("depot") == 1
    depot = [CENTRE.location.lon, CENTRE.location.lat]  # type: ignore[union-attr]
    for f in data["features"]:
        if f["properties"]["role"] == "route":
            line = f["geometry"]["coordinates"]
            assert f["geometry"]["type"] == "LineString"
            assert line[0] == depot and line[-1] == depot
            assert len(line) == f["properties"]["stops"] + 2
    station = next(f for f in data["features"] if f["properties"].get("code") == "HS-STA-01")
    assert station["geometry"] == {"type": "Point", "coordinates": [87.28, 42.25]}
    assert station["properties"]["planned_arrival"].endswith("+08:00")
