"""The assessment's tables on SQLite and PostgreSQL: the sheet as loaded, a frozen report
replaced in place, notes with their evidence (ciphertext only), in order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs.assessment import read_sheet
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.domain.supervision.attachments import check_upload

AT = dt.datetime(2026, 12, 6, 4, 0, tzinfo=dt.UTC)
REPORT = {"county": "652828", "year": 2022, "total_score": 27.8, "max_score": 100.0,
          "tasks": [{"task": 4, "title": "加强农村快递服务网络建设", "score": 8.8}]}  # fmt: skip


def test_sheet_reports_and_notes_round_trip(engine: Engine) -> None:
    county = bootstrap.read_pack_source("heshuo")
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    sheet = read_sheet(folder, county.plan)
    photo = b"\x89PNG\r\n\x1a\n" + b"1" * 16
    with SqlUnitOfWork(engine) as uow:
        uow.assessment.save_sheet("652828", sheet, "heshuo/assessment.toml")
        uow.assessment.freeze("652828", 2022, REPORT, "reg", AT)
        note = uow.assessment.add_note("652828", 2022, 4, "新建2个村级服务站", "reg")
        uow.assessment.add_evidence("652828", note, check_upload("站.png", photo), "v1:zzz", "reg")
        uow.assessment.add_note("652828", 2022, 18, "统一编号", "jtj")
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.assessment.sheet("652828", county.plan) == (sheet, "heshuo/assessment.toml")
        frozen = uow.assessment.frozen("652828", 2022)
        assert frozen is not None and frozen.report == REPORT and frozen.replaced_at is None
        assert frozen.frozen_at == AT and uow.assessment.frozen("652828", 2021) is None
        notes = uow.assessment.notes("652828", 2022)
        assert [(n.task, n.text, n.added_by) for n in notes] == [
            (4, "新建2个村级服务站", "reg"),
            (18, "统一编号", "jtj"),
        ]
        (file,) = notes[0].files
        assert file.name == "站.png" and file.size == len(photo) and not file.purged
        assert uow.assessment.evidence_content("652828", file.id) == (file, "v1:zzz")
        assert [n.task for n in uow.assessment.notes("652828", 2022, 18)] == [18]
        later = AT + dt.timedelta(days=1)
        uow.assessment.freeze("652828", 2022, {**REPORT, "total_score": 30.0}, "admin", later)
        uow.assessment.freeze("652828", 2021, REPORT, "admin", later)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        again = uow.assessment.frozen("652828", 2022)
        assert again is not None and again.report["total_score"] == 30.0
        assert again.replaced_at == later and again.frozen_by == "admin"
        assert [f.year for f in uow.assessment.frozen_all("652828")] == [2021, 2022]


def test_a_month_snapshot_is_upserted_and_read_by_year(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.assessment.save_snapshot("652828", "2026-11", {"coverage": 0.5, "x": None}, AT)
        uow.assessment.save_snapshot("652828", "2025-12", {"coverage": 0.25}, AT)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        uow.assessment.save_snapshot("652828", "2026-11", {"coverage": 0.75}, AT)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.assessment.snapshots("652828", 2026) == {"2026-11": {"coverage": 0.75}}
        assert uow.assessment.snapshots("652828") == {
            "2025-12": {"coverage": 0.25},
            "2026-11": {"coverage": 0.75},
        }
        assert uow.assessment.snapshots("650000") == {}
