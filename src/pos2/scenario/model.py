"""The whole scenario: one section per topic. Each section's owner module defines its fields."""

from __future__ import annotations

from pydantic import Field

from pos2.scenario.base import Section
from pos2.scenario.sections_deal import (
    BargainingSection,
    DemandSection,
    HormuzSection,
    LngSection,
    RussiaSection,
    SupplySection,
    ValuationSection,
)
from pos2.scenario.sections_economics import (
    ContractSection,
    CostsSection,
    FinanceSection,
    MonteCarloSection,
    PricesSection,
    TaxesSection,
    TransitSection,
)
from pos2.scenario.sections_twin import (
    GasSection,
    PipelineSection,
    RouteSection,
    StationsSection,
    ThermalSection,
)


class ScenarioModel(Section):
    """Validated content of a scenario (all sections)."""

    name: str = Field(description="Scenario name.")
    description: str = Field("", description="One line describing the scenario.")
    # twin (issue 4)
    pipeline: PipelineSection
    gas: GasSection
    route: RouteSection
    stations: StationsSection
    thermal: ThermalSection
    # economics (issue 5)
    contract: ContractSection
    finance: FinanceSection
    transit: TransitSection
    costs: CostsSection
    taxes: TaxesSection
    prices: PricesSection
    montecarlo: MonteCarloSection
    # deal (issue 6)
    hormuz: HormuzSection
    bargaining: BargainingSection
    demand: DemandSection
    lng: LngSection
    supply: SupplySection
    russia: RussiaSection
    valuation: ValuationSection
