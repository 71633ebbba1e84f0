"""SQLModel tables, one module per area. Importing this package registers every table."""

from station_kit.models.audit import AuditEvent, KeyCheck
from station_kit.models.awards import AwardEntry, AwardObjection, AwardRound
from station_kit.models.certificates import IssuedCertificate
from station_kit.models.community import (
    Department,
    GridCase,
    Request,
    RequestClaim,
    Resident,
    ResidentCareGroup,
    WorksItem,
)
from station_kit.models.org import (
    Association,
    Grid,
    PartnerUnit,
    Post,
    Project,
    Room,
    ServiceBase,
    ServicePoint,
    Squad,
    Station,
    Steward,
    Team,
)
from station_kit.models.people import (
    Volunteer,
    VolunteerCreate,
    VolunteerPost,
    VolunteerPublic,
    VolunteerUpdate,
)
from station_kit.models.work import (
    Activity,
    ActivityCreate,
    ActivityPartner,
    ActivitySeries,
    ActivityUpdate,
    ServiceRecord,
)

__all__ = [
    "Department",
    "GridCase",
    "Request",
    "RequestClaim",
    "Resident",
    "ResidentCareGroup",
    "WorksItem",
    "Activity",
    "ActivityCreate",
    "ActivityPartner",
    "ActivitySeries",
    "ActivityUpdate",
    "ServiceRecord",
    "Association",
    "AuditEvent",
    "AwardEntry",
    "AwardObjection",
    "AwardRound",
    "Grid",
    "IssuedCertificate",
    "KeyCheck",
    "PartnerUnit",
    "Post",
    "Project",
    "Room",
    "ServiceBase",
    "ServicePoint",
    "Squad",
    "Station",
    "Steward",
    "Team",
    "Volunteer",
    "VolunteerCreate",
    "VolunteerPost",
    "VolunteerPublic",
    "VolunteerUpdate",
]
