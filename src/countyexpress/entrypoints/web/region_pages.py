"""地区总览 The region screen (issue 17, item 5): every county the reader reaches, side by
side, each row drilling into the county's overview; `?prefecture=6528` narrows it to one
prefecture, `?sort=` orders it by a column (services/region_overview.SORTS), `/region.xlsx`
gives the same table as a workbook. Its figures
are read through the read replica when one is set (COUNTYEXPRESS_READ_DATABASE_URL), as the
county overview's: `ReadUowDep`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from countyexpress.adapters.packs.registry_xlsx import XLSX_MEDIA_TYPE
from countyexpress.adapters.region_xlsx import write_region_xlsx
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import ReadUowDep
from countyexpress.entrypoints.web.render import render
from countyexpress.services import region_overview

router = APIRouter(include_in_schema=False)


@router.get("/region")
def region_page(
    request: Request,
    uow: ReadUowDep,
    by: PrincipalDep,
    prefecture: str | None = None,
    sort: str = "code",
) -> Response:
    """The counties side by side: targets met, coverage, volume, stuck parcels, credit."""
    found = region_overview.region(uow, by, prefecture or None, sort)
    ctx = {"region": found, "sorts": list(region_overview.SORTS)}
    return render(request, "region.html", ctx, active="region")


@router.get("/region.xlsx")
def region_xlsx(
    uow: ReadUowDep,
    by: PrincipalDep,
    prefecture: str | None = None,
    sort: str = "code",
) -> Response:
    """The table of /region (same counties, same order) as an Excel workbook."""
    found = region_overview.region(uow, by, prefecture or None, sort)
    name = f"region-{found.prefecture or 'all'}-{found.today:%Y%m%d}"
    title = f"地区总览 Region {found.prefecture or ''} · {found.today:%Y-%m-%d}".strip()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_region_xlsx(found.rows, Path(tmp) / "r.xlsx", title, found.volume_days)
        data = path.read_bytes()
    return Response(
        data,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
