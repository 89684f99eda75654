"""The school holidays of the Netherlands (three regions) and Flanders, as data.

Reminders about agreements should not reach a teacher or a parent in the
middle of the autumn holiday, and "before the next holiday" is a due date
people really use. Both need the holidays of the school's own region. They
change every year and are not a rule a program can compute everywhere, so
they are kept here as plain dates, each with its source, for the school years
2026-2027 and 2027-2028 (`COVERS`). Outside that span nothing is known: the
calendar then treats every weekday as a school day.

Sources, read on 2026-12-01:

* The Netherlands: Rijksoverheid, "Overzicht schoolvakanties per schooljaar"
  (regions noord, midden, zuid), the pages "Overzicht schoolvakanties
  2026-2027" and "Overzicht schoolvakanties 2027-2028" under
  https://www.rijksoverheid.nl/onderwerpen/schoolvakanties/overzicht-schoolvakanties-per-schooljaar
  The ministry fixes the summer, Christmas and (one week of) May holiday; the
  autumn and spring holidays are its advice, which a school may leave (its
  school guide says so). The 2027-2028 dates are copied from that page. For
  2026-2027 the page's table could not be read here; its dates are the ones
  cross-checked below:
  - autumn 2026 (north 10-18 Oct, middle and south 17-25 Oct): the published
    advice as repeated by schoolvakanties.org and deepsea.nl;
  - Christmas 2026 (19 Dec-3 Jan): every source agrees;
  - May 2027 (1-9 May): the fixed May week is ISO week 18 in every year from
    2018 to 2028 on record (2023: 29 Apr-7 May, 2028: 29 Apr-7 May), and
    week 18 of 2027 runs from Monday 3 May;
  - spring 2027 and summer 2027: the middle region's dates (spring 20-28
    Feb, summer 17 Jul-29 Aug) agree with the published 2026-2027 calendar
    of a school in that region (mariaschool.wsko.nl, whose 2025-2026 dates
    are the middle region's). The south's summer (17 Jul-29 Aug) and spring
    (6-14 Feb, the carnival week) are those of the 2026-2027 calendar of
    Montessori College Nijmegen (montessoricollege.nl; Nijmegen is in region
    south), whose autumn week agrees with the south's advice; a summer holiday
    is binding for every school of a region. The north's summer (10 Jul-22
    Aug) follows the rotation of the summer, and its spring (20-28 Feb) is the
    advice as repeated by secondary sources only: check these two against the
    Rijksoverheid page when it can be read.
  A holiday given as "week 42" runs from the Saturday before that week to
  its Sunday (nine days off, both weekends): first and last are stored as
  those days.
* Flanders: Vlaamse overheid, "Schoolvakanties en vrije dagen op school"
  (https://www.vlaanderen.be/onderwijs-en-vorming/vakantie-ziekte-en-afwezigheid/schoolvakanties-en-vrije-dagen-op-school),
  which gives the rules of the Besluit van de Vlaamse Regering of 17 April
  1991. Flanders did NOT take over the French Community's reform of 2022
  (two-week autumn and carnival holidays, a shorter summer): its calendar
  is still the 1991 one, and the dates below follow from its rules:
  - autumn: one week from the Monday of the week with 1 November (from
    2 November when 1 November is a Sunday);
  - Christmas: two weeks from the Monday of the week with Christmas Day (from
    the Monday after it when Christmas is on a Saturday or Sunday);
  - krokus (spring): one week from the 7th Monday before Easter;
  - Easter: two weeks from the first Monday of April; from the Monday after
    Easter when Easter is in March; from the second Monday before Easter,
    plus Easter Monday, when Easter is after 15 April;
  - summer: 1 July to 31 August.
  They match the lists published for these years (kampkompas.be for
  2027-2028, the OpenHolidays data set for both years). Single days off
  (11 November, 1 May, Ascension, Whit Monday) are public holidays, not
  school holidays, and are not listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .markers import N_

__all__ = [
    "AUTUMN",
    "CHRISTMAS",
    "COVERS",
    "EASTER",
    "HOLIDAYS",
    "MAY",
    "SOURCES",
    "SPRING",
    "SUMMER",
    "Holiday",
    "Region",
]


class Region(StrEnum):
    """A school's holiday region: the three Dutch regions, or Flanders."""

    NORTH = "north"
    MIDDLE = "middle"
    SOUTH = "south"
    FLANDERS = "flanders"


@dataclass(frozen=True)
class Holiday:
    """A school holiday: its name (source text for the catalogs) and its days off."""

    name: str
    first: dt.date  # the first day off
    last: dt.date  # the last day off, inclusive

    def includes(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


AUTUMN = N_("autumn holiday")
CHRISTMAS = N_("Christmas holiday")
# Voorjaarsvakantie in the Netherlands, krokusvakantie in Flanders.
SPRING = N_("spring holiday")
MAY = N_("May holiday")
EASTER = N_("Easter holiday")
SUMMER = N_("summer holiday")

D = dt.date

# Christmas and the May week are the same in the three Dutch regions.
_NL_CHRISTMAS = (
    Holiday(CHRISTMAS, D(2026, 12, 19), D(2027, 1, 3)),
    Holiday(CHRISTMAS, D(2027, 12, 25), D(2028, 1, 9)),
)
_NL_MAY = (
    Holiday(MAY, D(2027, 5, 1), D(2027, 5, 9)),
    Holiday(MAY, D(2028, 4, 29), D(2028, 5, 7)),
)

_NORTH = (
    Holiday(AUTUMN, D(2026, 10, 10), D(2026, 10, 18)),
    _NL_CHRISTMAS[0],
    Holiday(SPRING, D(2027, 2, 20), D(2027, 2, 28)),
    _NL_MAY[0],
    Holiday(SUMMER, D(2027, 7, 10), D(2027, 8, 22)),
    Holiday(AUTUMN, D(2027, 10, 16), D(2027, 10, 24)),
    _NL_CHRISTMAS[1],
    Holiday(SPRING, D(2028, 2, 19), D(2028, 2, 27)),
    _NL_MAY[1],
    Holiday(SUMMER, D(2028, 7, 15), D(2028, 8, 27)),
)

_MIDDLE = (
    Holiday(AUTUMN, D(2026, 10, 17), D(2026, 10, 25)),
    _NL_CHRISTMAS[0],
    Holiday(SPRING, D(2027, 2, 20), D(2027, 2, 28)),
    _NL_MAY[0],
    Holiday(SUMMER, D(2027, 7, 17), D(2027, 8, 29)),
    Holiday(AUTUMN, D(2027, 10, 16), D(2027, 10, 24)),
    _NL_CHRISTMAS[1],
    Holiday(SPRING, D(2028, 2, 26), D(2028, 3, 5)),
    _NL_MAY[1],
    Holiday(SUMMER, D(2028, 7, 8), D(2028, 8, 20)),
)

_SOUTH = (
    Holiday(AUTUMN, D(2026, 10, 17), D(2026, 10, 25)),
    _NL_CHRISTMAS[0],
    Holiday(SPRING, D(2027, 2, 6), D(2027, 2, 14)),
    _NL_MAY[0],
    Holiday(SUMMER, D(2027, 7, 17), D(2027, 8, 29)),
    Holiday(AUTUMN, D(2027, 10, 23), D(2027, 10, 31)),
    _NL_CHRISTMAS[1],
    Holiday(SPRING, D(2028, 2, 26), D(2028, 3, 5)),
    _NL_MAY[1],
    Holiday(SUMMER, D(2028, 7, 22), D(2028, 9, 3)),
)

# Easter is 28 March 2027 (in March: from the Monday after it) and 16 April
# 2028 (after 15 April: from the second Monday before it, plus Easter Monday).
_FLANDERS = (
    Holiday(AUTUMN, D(2026, 11, 2), D(2026, 11, 8)),  # 1 Nov 2026 is a Sunday
    Holiday(CHRISTMAS, D(2026, 12, 21), D(2027, 1, 3)),
    Holiday(SPRING, D(2027, 2, 8), D(2027, 2, 14)),
    Holiday(EASTER, D(2027, 3, 29), D(2027, 4, 11)),
    Holiday(SUMMER, D(2027, 7, 1), D(2027, 8, 31)),
    Holiday(AUTUMN, D(2027, 11, 1), D(2027, 11, 7)),
    Holiday(CHRISTMAS, D(2027, 12, 27), D(2028, 1, 9)),  # Christmas 2027 is a Saturday
    Holiday(SPRING, D(2028, 2, 28), D(2028, 3, 5)),
    Holiday(EASTER, D(2028, 4, 3), D(2028, 4, 17)),
    Holiday(SUMMER, D(2028, 7, 1), D(2028, 8, 31)),
)

# Each region's holidays, sorted by their first day.
HOLIDAYS: Mapping[Region, tuple[Holiday, ...]] = MappingProxyType(
    {
        Region.NORTH: _NORTH,
        Region.MIDDLE: _MIDDLE,
        Region.SOUTH: _SOUTH,
        Region.FLANDERS: _FLANDERS,
    }
)

_RIJKSOVERHEID = (
    "https://www.rijksoverheid.nl/onderwerpen/schoolvakanties/"
    "overzicht-schoolvakanties-per-schooljaar"
)
SOURCES: Mapping[Region, str] = MappingProxyType(
    {
        Region.NORTH: _RIJKSOVERHEID,
        Region.MIDDLE: _RIJKSOVERHEID,
        Region.SOUTH: _RIJKSOVERHEID,
        Region.FLANDERS: (
            "https://www.vlaanderen.be/onderwijs-en-vorming/vakantie-ziekte-en-afwezigheid/"
            "schoolvakanties-en-vrije-dagen-op-school"
        ),
    }
)

# The span the data covers: from the first day after every region's summer
# of 2026 to the end of August 2028. The southern summer of 2028 runs on to
# 3 September and is listed whole all the same.
COVERS: tuple[dt.date, dt.date] = (D(2026, 9, 1), D(2028, 8, 31))
