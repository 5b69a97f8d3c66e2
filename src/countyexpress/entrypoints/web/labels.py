"""Labels of the domain's codes on screen, marked for translation (English message ids)."""

from __future__ import annotations

from countyexpress.entrypoints.web.i18n import N_

QUALITY_LABELS = {
    "verified": N_("verified"),
    "estimate": N_("estimate"),
    "placeholder": N_("placeholder"),
    "demo": N_("demo"),
}
SOURCE_QUALITY_LABELS = {  # how sure a pack's figure is, as rule files mark it
    **QUALITY_LABELS,
    "plan": N_("in the plan"),
    "confirmed": N_("confirmed"),
    "unconfirmed": N_("unconfirmed"),
    "source": N_("source"),
}
COMPLAINT_TYPE_LABELS = {  # domain.supervision.kinds.COMPLAINT_TYPES
    "service": N_("service quality"),
    "delay": N_("delay"),
    "loss_or_damage": N_("loss or damage"),
    "unconsented_delivery": N_("delivery to a locker or station without consent (art. 28)"),
    "false_signoff": N_("signed as delivered, not received"),
    "fees": N_("fees"),
}
RECORD_KIND_LABELS = {  # domain.supervision.kinds: the kinds of supervision records
    "outlet_filing": N_("outlet filing"),
    "licence": N_("business licence"),
    "inspection": N_("inspection"),
    "finding": N_("finding"),
    "complaint": N_("complaint"),
    "emergency_event": N_("emergency event"),
    "support_application": N_("support application"),
    "support_request": N_("staff support request"),
}
INSPECTION_ITEM_LABELS = {  # domain.supervision.kinds.INSPECTION_ITEMS
    "real_name": N_("real-name intake"),
    "inspection_on_intake": N_("inspection on intake"),
    "screening_mark": N_("screening mark"),
    "consent": N_("consent before lockers or stations"),
    "filing": N_("outlet filing"),
    "five_haves": N_("the five haves of village stations"),
    "safety": N_("work safety"),
    "personal_data": N_("protection of users' personal data"),
}
KIND_LABELS = {
    "center": N_("co-delivery centre"),
    "sorting_center": N_("sorting centre"),
    "outlet": N_("outlet"),
    "locker": N_("smart locker"),
    "station": N_("village station"),
    "cold_storage": N_("cold storage"),
    "precooling": N_("pre-cooling site"),
    "carrier_office": N_("carrier's county-town office"),
}
STATUS_LABELS = {"planned": N_("planned"), "open": N_("open"), "closed": N_("closed")}
HAVE_LABELS = {
    "staff": N_("staff"),
    "premises": N_("premises"),
    "shelves": N_("shelves"),
    "device": N_("device"),
    "sign": N_("sign"),
}
ROLE_LABELS = {
    "regulator": N_("regulator"),
    "centre_operator": N_("centre operator"),
    "station_keeper": N_("station keeper"),
    "driver": N_("driver"),
    "carrier": N_("carrier integration"),
    "admin": N_("administrator"),
}
INDICATOR_LABELS = {
    "urban_outlets": N_("urban last-mile outlets"),
    "village_coverage_rate": N_("administrative villages with express service"),
    "administrative_villages": N_("administrative villages reached"),
    "stations_five_haves_rate": N_("village stations with all five haves"),
}
UNIT_LABELS = {"outlets": N_("outlets"), "villages": N_("villages"), "share": N_("share")}
HANDOVER_LABELS = {
    "wrong": N_("The pickup code or the phone's last four digits do not match."),
    "locked": N_("Too many wrong attempts for this parcel from this device."),
    "throttled": N_("Too many wrong attempts from this device."),
    "not_here": N_("No parcel with this code is waiting here."),
    "ambiguous": N_("Two parcels here have this number: give the shelf letter."),
    "refused": N_("Not handed over"),
}
CONTENT_LABELS = {
    "peppers": N_("peppers"),
    "tomatoes": N_("tomatoes"),
    "grapes": N_("grapes"),
    "dried_fruit": N_("dried fruit"),
    "other": N_("other (describe it)"),
}
ID_TYPE_LABELS = {
    "resident_id": N_("resident ID card"),
    "temporary_resident_id": N_("temporary resident ID card"),
    "military_id": N_("military ID"),
    "armed_police_id": N_("armed police ID"),
    "hk_macao_residence_permit": N_("Hong Kong/Macao residence permit"),
    "taiwan_residence_permit": N_("Taiwan residence permit"),
    "hk_macao_travel_permit": N_("Hong Kong/Macao travel permit"),
    "taiwan_travel_permit": N_("Taiwan travel permit"),
    "foreign_passport": N_("foreign passport"),
    "other": N_("other document"),
}
VOLUME_LABELS = {
    "arrive": N_("arrivals"),
    "collect": N_("taken in from senders"),
    "pickup": N_("handed to receivers"),
}
STATE_LABELS = {
    "new": N_("on a manifest, not scanned"),
    "collected": N_("taken in"),
    "inspected": N_("inspected"),
    "screened": N_("X-ray screened"),
    "arrived": N_("arrived"),
    "sorted": N_("sorted"),
    "in_transit": N_("on the way"),
    "stored": N_("waiting for pickup"),
    "delivered": N_("delivered"),
    "returned": N_("being returned"),
}
STEP_LABELS = {  # a scan's kind as a step of the public look-up's timeline
    "collect": STATE_LABELS["collected"],
    "inspect": STATE_LABELS["inspected"],
    "screen": STATE_LABELS["screened"],
    "arrive": STATE_LABELS["arrived"],
    "sort": STATE_LABELS["sorted"],
    "depart": STATE_LABELS["in_transit"],
    "store": STATE_LABELS["stored"],
    "pickup": STATE_LABELS["delivered"],
    "return": STATE_LABELS["returned"],
    "exception": N_("needs attention"),
}
STATION_NAV = N_("Station")
CENTRE_NAV = N_("Centre")
SITING_NAV = N_("Siting")
SCENARIOS_NAV = N_("Scenarios")
FRONT_WAREHOUSE_NAV = N_("Front warehouse")
AUDIT_NAV = N_("Audit log")
WEBHOOKS_NAV = N_("Webhooks")
SUPERVISION_NAV = N_("Supervision")
VEHICLES_NAV = N_("Vehicles")
DRIVER_NAV = N_("Driver")
HEALTH_NAV = N_("Public health")
REGION_NAV = N_("Region")  # 地区总览: every county the reader reaches
STOP_STATE_LABELS = {"done": N_("done"), "partial": N_("partly done"), "pending": N_("to do")}
SIGNER_LABELS = {
    "receiver": N_("the receiver"),
    "family": N_("family"),
    "colleague": N_("a colleague"),
    "neighbour": N_("a neighbour"),
    "guard": N_("the gatekeeper"),
    "other": N_("someone else"),
}
NAV = (
    ("overview", "/counties/{code}/overview", N_("Overview")),
    ("assessment", "/counties/{code}/assessment", N_("Assessment")),
    ("map", "/counties/{code}/map", N_("Map")),
    ("facilities", "/counties/{code}/facilities", N_("Facilities")),
    ("carriers", "/counties/{code}/carriers", N_("Carriers")),
    ("divisions", "/counties/{code}", N_("Divisions")),
    ("lookup", "/lookup", N_("Parcel lookup")),
)

ALL = {
    "QUALITY_LABELS": QUALITY_LABELS,
    "COMPLAINT_TYPE_LABELS": COMPLAINT_TYPE_LABELS,
    "INSPECTION_ITEM_LABELS": INSPECTION_ITEM_LABELS,
    "RECORD_KIND_LABELS": RECORD_KIND_LABELS,
    "SOURCE_QUALITY_LABELS": SOURCE_QUALITY_LABELS,
    "KIND_LABELS": KIND_LABELS,
    "STATUS_LABELS": STATUS_LABELS,
    "HAVE_LABELS": HAVE_LABELS,
    "ROLE_LABELS": ROLE_LABELS,
    "INDICATOR_LABELS": INDICATOR_LABELS,
    "UNIT_LABELS": UNIT_LABELS,
    "HANDOVER_LABELS": HANDOVER_LABELS,
    "CONTENT_LABELS": CONTENT_LABELS,
    "ID_TYPE_LABELS": ID_TYPE_LABELS,
    "VOLUME_LABELS": VOLUME_LABELS,
    "STATE_LABELS": STATE_LABELS,
    "STEP_LABELS": STEP_LABELS,
    "STOP_STATE_LABELS": STOP_STATE_LABELS,
    "SIGNER_LABELS": SIGNER_LABELS,
}
