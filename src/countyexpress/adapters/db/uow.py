"""The unit of work: one transaction, committed only when asked, rolled back otherwise."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from countyexpress.adapters.db.accounts import SqlAccountRepository
from countyexpress.adapters.db.assessment import SqlAssessment
from countyexpress.adapters.db.dashboard import SqlDashboard
from countyexpress.adapters.db.demand import SqlDemand
from countyexpress.adapters.db.emergency import SqlEmergency
from countyexpress.adapters.db.intake import SqlIntake
from countyexpress.adapters.db.ledger import SqlLedger
from countyexpress.adapters.db.operations import SqlOperations
from countyexpress.adapters.db.pack_documents import SqlPackDocuments
from countyexpress.adapters.db.packaging import SqlPackaging
from countyexpress.adapters.db.public_health import SqlPublicHealth
from countyexpress.adapters.db.region_overview import SqlRegionOverview
from countyexpress.adapters.db.repository import SqlCountyRepository, county_cache
from countyexpress.adapters.db.routes import SqlRoutes
from countyexpress.adapters.db.siting_scenarios import SqlSitingScenarios
from countyexpress.adapters.db.staff import SqlStaff
from countyexpress.adapters.db.supervision import SqlSupervision
from countyexpress.adapters.db.vehicles import SqlVehicles
from countyexpress.adapters.db.webhooks import SqlWebhooks


class SqlUnitOfWork:
    """A transaction on `engine` with the repositories that work inside it."""

    counties: SqlCountyRepository
    ledger: SqlLedger
    ops: SqlOperations
    accounts: SqlAccountRepository
    dashboard: SqlDashboard
    region: SqlRegionOverview
    demand: SqlDemand
    intake: SqlIntake
    routes: SqlRoutes
    siting: SqlSitingScenarios
    supervision: SqlSupervision
    vehicles: SqlVehicles
    staff: SqlStaff
    assessment: SqlAssessment
    emergency: SqlEmergency
    packaging: SqlPackaging
    public_health: SqlPublicHealth
    pack_documents: SqlPackDocuments
    webhooks: SqlWebhooks

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        self._connection = self.engine.connect()
        self._transaction = self._connection.begin()
        self.counties = SqlCountyRepository(self._connection, county_cache(self.engine))
        self.ledger = SqlLedger(self._connection)
        self.ops = SqlOperations(self._connection)
        self.accounts = SqlAccountRepository(self._connection)
        self.dashboard = SqlDashboard(self._connection)
        self.region = SqlRegionOverview(self._connection)
        self.demand = SqlDemand(self._connection)
        self.intake = SqlIntake(self._connection)
        self.routes = SqlRoutes(self._connection)
        self.siting = SqlSitingScenarios(self._connection)
        self.supervision = SqlSupervision(self._connection)
        self.vehicles = SqlVehicles(self._connection)
        self.staff = SqlStaff(self._connection)
        self.assessment = SqlAssessment(self._connection)
        self.emergency = SqlEmergency(self._connection)
        self.packaging = SqlPackaging(self._connection)
        self.public_health = SqlPublicHealth(self._connection)
        self.pack_documents = SqlPackDocuments(self._connection)
        self.webhooks = SqlWebhooks(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        if self._transaction.is_active:
            self._transaction.rollback()
        self._connection.close()
        self._connection = None

    def commit(self) -> None:
        """Make the work of this unit permanent."""
        self._transaction.commit()

    def rollback(self) -> None:
        """Undo the work of this unit."""
        self._transaction.rollback()
