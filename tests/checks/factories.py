"""Planted data on which one real run of the checks finds every finding code (the twelve CONTRACT ones and D01–G01)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tests.contingent.factories import (
    D,
    birth_for_grade,
    load_snapshot,
    make_contract,
    make_enrolment,
    make_pupil,
    nobd_row,
    state_bin,
)
from tests.factories import make_school
from tests.schools.factories import make_licence, make_rnu

NOBD_LEFT_ON = dt.date(2025, 10, 15)
RNU_INCLUDED_ON = dt.date(2024, 1, 15)


@dataclass
class Planted:
    home: object  # the school whose findings are explained
    rival: object  # another school of the portal
    state_bin: str  # a school NOBD knows, not registered in the portal
    shop: object  # a school whose activity code is not education
    enrolments: dict  # code -> the enrolment that code is about
    run: object = None


def plant_every_code(tmp_path, *, home, region) -> Planted:
    """``home`` gets P01–P07 and S01 (basic), S03, S04, S05; ``shop`` gets S02."""
    from checks.services import check_run_now

    rival = make_school(region=region, name_kk="Зерде мектебі", name_ru="Школа «Зерде»", capacity=500)
    make_licence(rival)
    shop = make_school(region=region, name="Дүкен", oked="47.11", capacity=500)
    make_licence(shop)
    other_state = state_bin()
    home.capacity = 5
    home.save(update_fields=["capacity"])
    make_licence(home, number="L-1", levels=["primary"])
    make_licence(home, number="L-2", levels=["basic"], status="suspended")
    make_rnu(bin=home.bin, included_on=RNU_INCLUDED_ON, reason="Сот шешімі")
    make_contract(school=home, places={"primary": 1})

    rows, enrolments = [], {}

    def enrol(code, grade=2, **pupil):
        enrolment = make_enrolment(school=home, grade=grade, pupil=make_pupil(grade_hint=grade, **pupil) if pupil else None)
        enrolments[code] = enrolment
        return enrolment

    p01 = enrol("P01")
    rows.append(nobd_row(p01.pupil, school_bin=home.bin, grade=2))
    p01.pupil.birth_date += dt.timedelta(days=1)  # the IIN now encodes another birth date
    p01.pupil.save()
    enrol("P02")  # NOBD does not know the pupil
    p03 = enrol("P03")
    rows.append(nobd_row(p03.pupil, school_bin=rival.bin, grade=2))
    p03_state = enrol("P03-state")
    rows.append(nobd_row(p03_state.pupil, school_bin=other_state, grade=2))
    p04 = enrol("P04")
    rows.append(nobd_row(p04.pupil, school_bin=home.bin, grade=2, left_on=NOBD_LEFT_ON))
    p05 = enrol("P05")
    rows.append(nobd_row(p05.pupil, school_bin=home.bin, grade=2))
    enrolments["P05-rival"] = make_enrolment(school=rival, pupil=p05.pupil, grade=2)
    p06 = enrol("P06", grade=5)
    rows.append(nobd_row(p06.pupil, school_bin=home.bin, grade=6))
    p07 = enrol("P07", grade=1, birth_date=birth_for_grade(1, age_offset=12))
    rows.append(nobd_row(p07.pupil, school_bin=home.bin, grade=1))
    rows.extend(plant_other_instruments(region, rival=rival, enrolments=enrolments))
    planted = Planted(home=home, rival=rival, state_bin=other_state, shop=shop, enrolments=enrolments)
    planted.run = check_run_now(snapshot=load_snapshot(tmp_path, rows, taken_on=D))
    return planted


def plant_other_instruments(region, *, rival, enrolments: dict) -> list[dict]:
    """D01, D02, D03, C01 and G01 once each (issue 10); returns the NOBD rows they need."""
    from tests.programmes.factories import make_beneficiary, make_programme_contract, programme_of

    dormitory = programme_of("dormitory_place")
    programme_of("scholarship")
    programme_of("grant", terms=[("Autumn", dt.date(2025, 9, 1), dt.date(2025, 12, 31))])
    dorm, dorm2 = (make_school(region=region, name=name, kind="dormitory", oked="55.90") for name in ("Жатақхана", "Үй"))
    make_programme_contract(programme=dormitory, school=dorm, places={"place": 1})
    make_programme_contract(programme=dormitory, school=dorm2, places={"place": 5})
    college = make_school(region=region, name="Колледж", kind="college")
    university = make_school(region=region, name="Университет", kind="university")
    enrolments["D01"] = make_beneficiary(school=dorm, kind="resident")  # studies nowhere; 2 residents > 1 place (D03)
    enrolments["D02"] = make_beneficiary(school=dorm, kind="resident")
    make_beneficiary(school=dorm2, kind="resident", pupil=enrolments["D02"].pupil)
    enrolments["C01"] = make_beneficiary(school=college, kind="scholarship_holder")
    enrolments["G01"] = make_beneficiary(school=university, kind="grant_holder")
    make_beneficiary(school=college, kind="grant_holder", pupil=enrolments["G01"].pupil)
    return [nobd_row(enrolments["D02"].pupil, school_bin=college.bin, grade=1),
            nobd_row(enrolments["C01"].pupil, school_bin=rival.bin, grade=1)]
