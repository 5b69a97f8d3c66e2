"""The record kinds of the plan's supervision (tasks 2, 8, 12–14, 20): their states and verbs.

Which clocks a verb starts is structure and lives here; how long each clock runs is the
county pack's (`ClockRule` by name), with the regulation it comes from.

- outlet filing (快递末端网点备案暂行规定, 2018): submitted → filed, with one notice of
  what is missing (incomplete) and a change filing while filed;
- business licence (快递业务经营许可): valid until it expires or is cancelled;
- inspection task (双随机): to_draw → drawn → done;
- finding of an inspection: open → rectified → closed, back to open when the
  rectification is not accepted;
- complaint (快递暂行条例 art. 28; 快递市场管理办法 art. 30): received → answered →
  closed, or appealed to the regulator, who upholds or dismisses it;
- emergency event (邮政业突发事件应急预案, task 13), graded I–IV: occurred → reported
  (within the pack's hours) → responding → closed;
- support application (政策资金支持, tasks 8, 10 and 18): a carrier applies for one of the
  pack's programmes (policy.toml), checked against its rules (domain.supervision.support);
  submitted → under_review → granted with the amount, refused with the reason, or
  withdrawn, decided within the pack's `support.decide`;
- staff support request (task 20: housing, schooling, medical aid for express staff):
  received → granted or refused, within the pack's `support_request.decide`.
"""

from __future__ import annotations

from countyexpress.domain.supervision.records import RecordKind, Transition

__all__ = [
    "COMPLAINT",
    "COMPLAINT_TYPES",
    "EMERGENCY_EVENT",
    "EMERGENCY_GRADES",
    "FINDING",
    "INSPECTION",
    "INSPECTION_ITEMS",
    "KINDS",
    "LICENCE",
    "OUTLET_FILING",
    "SUPPORT_APPLICATION",
    "SUPPORT_REQUEST",
    "SUPPORT_REQUEST_TYPES",
]


def _t(
    verb: str,
    sources: str,
    target: str,
    starts: tuple[str, ...] = (),
    stops: tuple[str, ...] = (),
) -> Transition:
    return Transition(verb, frozenset(sources.split()), target, starts, stops)


_FILING_CLOCKS = ("filing.notice", "filing.decide")

OUTLET_FILING = RecordKind(
    name="outlet_filing",
    initial="submitted",
    finals=frozenset({"refused", "withdrawn", "lapsed"}),
    opening=_t("submit", "", "submitted", starts=_FILING_CLOCKS),
    transitions=(
        # one notice listing what is missing, within 2 working days of the submission
        _t(
            "notify_incomplete", "submitted", "incomplete", stops=("filing.notice", "filing.decide")
        ),
        _t("resubmit", "incomplete", "submitted", starts=("filing.decide",)),
        _t("accept", "submitted", "filed", stops=("filing.notice", "filing.decide")),
        _t("refuse", "submitted", "refused", stops=("filing.notice", "filing.decide")),
        # a change of name, type, scope or manager is filed within 10 days of the change
        _t("file_change", "filed", "filed"),
        _t("withdraw", "submitted incomplete", "withdrawn", stops=("filing.decide",)),
        # the licence is cancelled or the branch deregistered
        _t("lapse", "filed", "lapsed"),
    ),
)

LICENCE = RecordKind(
    name="licence",
    initial="valid",
    finals=frozenset({"expired", "cancelled"}),
    opening=_t("grant", "", "valid", starts=("licence.valid",)),
    transitions=(
        _t("renew", "valid", "valid", starts=("licence.valid",)),
        # the annual report (年度报告) on the year before, by 30 April (licences.py)
        _t("report_annual", "valid", "valid"),
        _t("expire", "valid", "expired"),
        _t("cancel", "valid", "cancelled", stops=("licence.valid",)),
    ),
)

INSPECTION = RecordKind(
    name="inspection",
    initial="to_draw",
    finals=frozenset({"done", "cancelled"}),
    opening=_t("plan", "", "to_draw"),
    transitions=(
        _t("draw", "to_draw", "drawn", starts=("inspection.carry_out",)),
        _t("record", "drawn", "done", stops=("inspection.carry_out",)),
        _t("cancel", "to_draw drawn", "cancelled", stops=("inspection.carry_out",)),
    ),
)

FINDING = RecordKind(
    name="finding",
    initial="open",
    finals=frozenset({"closed"}),
    opening=_t("find", "", "open", starts=("finding.rectify",)),
    transitions=(
        _t("report_rectified", "open", "rectified", stops=("finding.rectify",)),
        _t("reject_rectification", "rectified", "open", starts=("finding.rectify",)),
        _t("close", "rectified", "closed"),
    ),
)

COMPLAINT = RecordKind(
    name="complaint",
    initial="received",
    finals=frozenset({"closed", "upheld", "dismissed"}),
    opening=_t("receive", "", "received", starts=("complaint.answer",)),
    transitions=(
        _t("answer", "received", "answered", stops=("complaint.answer",)),
        _t("close", "answered", "closed"),
        # unanswered in time or answered unsatisfactorily: the regulator mediates
        _t("appeal", "received answered", "appealed", starts=("appeal.mediate",)),
        _t("uphold", "appealed", "upheld", stops=("appeal.mediate", "complaint.answer")),
        _t("dismiss", "appealed", "dismissed", stops=("appeal.mediate", "complaint.answer")),
    ),
)

INSPECTION_ITEMS = {
    "real_name": "实名收寄 real-name intake",
    "inspection_on_intake": "收寄验视 inspection on intake",
    "screening_mark": "安检标识 screening mark",
    "consent": "投递前征得同意 consent before lockers or stations",
    "filing": "末端网点备案 outlet filing",
    "five_haves": "村级站点“五有” five haves",
    "safety": "安全生产 safety",
    "personal_data": "用户信息保护 personal data protection",
}
"""What an inspector checks on site (task 14); a finding names the item it breaks."""

COMPLAINT_TYPES = {
    "service": "服务质量 service",
    "delay": "延误 delay",
    "loss_or_damage": "丢失损毁 loss or damage",
    "unconsented_delivery": "未经同意投递快递柜或驿站 delivery without consent (art. 28)",
    "false_signoff": "虚假签收 signed as delivered, not received",
    "fees": "收费 fees",
}
"""Complaint types; an upheld `unconsented_delivery` or `false_signoff` is also its own
credit event."""

EMERGENCY_EVENT = RecordKind(
    name="emergency_event",
    initial="occurred",
    finals=frozenset({"closed"}),
    # the event (an outage, a disaster, a blocked road) is entered when it occurs; the report
    # to the postal regulator is due within the pack's `emergency.report` hours
    opening=_t("occur", "", "occurred", starts=("emergency.report",)),
    transitions=(
        _t("report", "occurred", "reported", stops=("emergency.report",)),
        _t("respond", "reported", "responding"),
        _t("close", "reported responding", "closed"),
    ),
)

EMERGENCY_GRADES = {
    "I": "特别重大 particularly serious",
    "II": "重大 serious",
    "III": "较大 major",
    "IV": "一般 ordinary",
}
"""Grades of a postal emergency event (邮政业突发事件应急预案: 突发事件分级), I the gravest."""

_SUPPORT_OPEN = "submitted under_review"

SUPPORT_APPLICATION = RecordKind(
    name="support_application",
    initial="submitted",
    finals=frozenset({"granted", "refused", "withdrawn"}),
    # the programme, the amount asked and what the eligibility check found are its facts
    opening=_t("apply", "", "submitted", starts=("support.decide",)),
    transitions=(
        _t("review", "submitted", "under_review"),
        # granted with the amount (services.support.decide: within the programme's cap)
        _t("grant", _SUPPORT_OPEN, "granted", stops=("support.decide",)),
        # refused with the reason
        _t("refuse", _SUPPORT_OPEN, "refused", stops=("support.decide",)),
        _t("withdraw", _SUPPORT_OPEN, "withdrawn", stops=("support.decide",)),
    ),
)

SUPPORT_REQUEST = RecordKind(
    name="support_request",
    initial="received",
    finals=frozenset({"granted", "refused", "withdrawn"}),
    # about a person by staff number (`person:<staff no>`); the details stay encrypted
    opening=_t("receive", "", "received", starts=("support_request.decide",)),
    transitions=(
        _t("grant", "received", "granted", stops=("support_request.decide",)),
        _t("refuse", "received", "refused", stops=("support_request.decide",)),
        _t("withdraw", "received", "withdrawn", stops=("support_request.decide",)),
    ),
)

SUPPORT_REQUEST_TYPES = {
    "housing": "住房 housing (public rental or low-rent housing, 公租房、廉租房)",
    "schooling": "子女入学 schooling of children",
    "medical": "医疗救助 medical aid",
}
"""What express staff ask the county's departments for (plan task 20, section 2.11)."""

KINDS = {
    k.name: k
    for k in (
        OUTLET_FILING,
        LICENCE,
        INSPECTION,
        FINDING,
        COMPLAINT,
        EMERGENCY_EVENT,
        SUPPORT_APPLICATION,
        SUPPORT_REQUEST,
    )
}
"""Every kind by name; a new kind is one more `RecordKind` here, not new code."""
