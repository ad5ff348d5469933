"""Nation codes that exist: ISO 3166-1 alpha-3, for references to nations a scenario does not list.

A region may border a nation that is not among the scenario's candidate contributors (Montenegro
next to Bosnia in 1995); such a reference must still name a real country. :data:`ISO_ALPHA3` holds
the 249 officially assigned codes; :data:`FORMER_ALPHA3` the withdrawn codes a historical theatre
may need (ISO 3166-3: Yugoslavia, Zaire, the Soviet Union...). User-assigned codes such as XKX are
in neither: a scenario that needs one declares the nation.
"""

from __future__ import annotations

_ASSIGNED = """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD
    BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR
    COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH
    ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL
    GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR
    JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR
    MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL
    NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY
    PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP
    SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
    UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""

ISO_ALPHA3 = frozenset(_ASSIGNED.split())
"""Officially assigned ISO 3166-1 alpha-3 codes."""

_WITHDRAWN = "ANT BUR BYS CSK DDR DHY HVO NTZ RHO ROM SCG SUN TMP VDR YMD YUG ZAR"

FORMER_ALPHA3 = frozenset(_WITHDRAWN.split())
"""Withdrawn codes (ISO 3166-3, and ROM for Romania before 2002) of nations that existed."""


def is_nation_code(code: str) -> bool:
    """Whether ``code`` is an assigned or formerly assigned ISO 3166-1 alpha-3 code."""
    return code in ISO_ALPHA3 or code in FORMER_ALPHA3
