"""Reference data read the same way by every service: divisions, regions, coordination centers."""

from .centers import BANGKOK_ZONES, LOCATION_CODES, Center, center, center_for, center_of, centers, locate
from .geography import (
    BANGKOK,
    REGIONS,
    check_location,
    district,
    districts,
    province,
    provinces,
    region_of,
    subdistrict,
    subdistricts,
)

__all__ = [
    "BANGKOK",
    "BANGKOK_ZONES",
    "LOCATION_CODES",
    "REGIONS",
    "Center",
    "center",
    "center_for",
    "center_of",
    "centers",
    "check_location",
    "district",
    "districts",
    "locate",
    "province",
    "provinces",
    "region_of",
    "subdistrict",
    "subdistricts",
]
