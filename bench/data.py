"""National-scale benchmark data: generated files, planted anomalies and what must be found.

``generate(plan, directory)`` writes, deterministically for a seed:

* ``contingent.csv`` — the portal's bulk contingent file (last column ``school_bin``):
  about 600 k enrolments in 850 private schools;
* ``nobd.csv`` — the NOBD snapshot: the same pupils plus about 3.4 M in 7,000 state schools;
* the schools and contracts to create, the database edits that plant P01 (data that no
  importer would accept, as if it had arrived before validation), and the exact set of
  findings a correct run must produce.

Every pupil code P01–P07 and S04/S05 is planted, next to traps that must produce nothing:
pupils who left before D or enrol after D, pupils who changed school in the past, edge dates
(enrolled on D, left on D), re-enrolments, contracts that are not active on D.

The risk flags are planted too, each next to a trap on the other side of its threshold (the
CONTRACT defaults): R01 (pupils with four NOBD rows this school year, one at a portal school; three
rows; rows before 1 September), R02 (three month-end enrolments gone in the first days of the next
month; two), R03 (schools growing by one pupil more than 30 % within 30 days; exactly 30 %), and the
rows the snapshot of D − 1 day has and the snapshot of D no longer has, for R05 (``bench.history``
writes the earlier daily files). R04 needs payments: ``bench.checks`` plants it in the database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from core.calendar import school_year_start
from core.identifiers import check_digit, make_bin
from schools.rules import level_of_grade

LAST_NAMES = ["Ахметов", "Сәрсенова", "Иванов", "Жақсылықов", "Омарова", "Ким", "Серікбаев", "Нұрланова",
              "Петрова", "Ермеков", "Әбілқайыр", "Тоқтарова", "Смагулов", "Байжанова", "Ли", "Қасымов"]
FIRST_NAMES = ["Алихан", "Айару", "Данияр", "Аружан", "Тимур", "Мадина", "Нұрсұлтан", "Жансая", "Артём",
               "Әлия", "Ерасыл", "Томирис", "Санжар", "Дарина", "Бекзат", "Інжу"]
MIDDLE_NAMES = ["Серікұлы", "Болатқызы", "", "Игоревич", "Нұрланұлы", "", "Маратовна", "Асқарұлы"]

PUPIL_KINDS = [
    # planted anomalies (the codes each must produce, per enrolment)
    "P01_birth", "P01_check", "P02", "P03", "P03_edge", "P04", "P05", "P06", "P07",
    # traps: must produce nothing
    "left_before", "enrolled_after", "moved_in_past", "edge_enrolled_on_D", "edge_left_on_D", "reenrolled",
    "future_other_school", "two_schools_past", "same_school_twice",
    # risk flags: R01 planted, and its traps
    "R01", "R01_three_rows", "R01_before_year",
]
# Bumped whenever what ``generate`` writes changes, so that cached data is generated again.
DATA_VERSION = 2


@dataclass
class Plan:
    scale: float = 1.0
    seed: int = 2025
    check_date: dt.date = dt.date(2025, 11, 20)
    state_schools: int = 7000
    private_schools: int = 850
    state_rows: int = 3_400_000
    private_rows: int = 600_000
    per_kind: int = 40  # planted cases of each kind (at scale 1)

    def scaled(self) -> Plan:
        s = self.scale
        return Plan(scale=1.0, seed=self.seed, check_date=self.check_date,
                    state_schools=max(int(self.state_schools * s), 5), private_schools=max(int(self.private_schools * s), 8),
                    state_rows=max(int(self.state_rows * s), 200), private_rows=max(int(self.private_rows * s), 400),
                    per_kind=max(int(self.per_kind * min(s * 10, 1)), 2))

    @property
    def year_start(self) -> dt.date:
        return school_year_start(self.check_date)


@dataclass
class Generated:
    contingent_path: Path
    nobd_path: Path
    contingent_rows: int
    nobd_rows: int
    schools: list[dict]  # bin, region, capacity, contracts: [{status, start, end, places: {level: n}}]
    plant_birth_shift: list[str]  # IINs whose pupil birth date moves by one day after the load (P01)
    plant_bad_check_digit: list[str]  # IINs replaced by one with a wrong check digit after the load (P01, P02)
    expected: set[tuple[str, str, str]] = field(default_factory=set)  # (code, school_bin, iin | level | "")
    # Risk flags that must be raised: (code, key) with key the IIN (R01), "bin:YYYY-MM" (R02), the BIN (R03),
    # "iin:bin:enrolled_on" (R05); R04 is planted in the database (bench.checks).
    risk_expected: set[tuple[str, str]] = field(default_factory=set)
    state_lines: tuple[int, int] = (0, 0)  # data rows [first, last) of nobd.csv at state schools (daily changes go there)
    portal_lines: list[int] = field(default_factory=list)  # plain rows at portal schools (regraded before D: no R05)
    vanishing_rows: list[str] = field(default_factory=list)  # CSV lines every snapshot before D has, D has not

    def to_json(self) -> dict:
        return {
            "contingent_path": str(self.contingent_path), "nobd_path": str(self.nobd_path),
            "contingent_rows": self.contingent_rows, "nobd_rows": self.nobd_rows, "schools": self.schools,
            "plant_birth_shift": self.plant_birth_shift, "plant_bad_check_digit": self.plant_bad_check_digit,
            "expected": sorted(self.expected), "risk_expected": sorted(self.risk_expected),
            "state_lines": list(self.state_lines), "portal_lines": self.portal_lines, "vanishing_rows": self.vanishing_rows,
        }

    @classmethod
    def from_json(cls, data: dict) -> Generated:
        return cls(contingent_path=Path(data["contingent_path"]), nobd_path=Path(data["nobd_path"]),
                   contingent_rows=data["contingent_rows"], nobd_rows=data["nobd_rows"], schools=data["schools"],
                   plant_birth_shift=data["plant_birth_shift"], plant_bad_check_digit=data["plant_bad_check_digit"],
                   expected={tuple(item) for item in data["expected"]},
                   risk_expected={tuple(item) for item in data.get("risk_expected", [])},
                   state_lines=tuple(data.get("state_lines", (0, 0))), portal_lines=data.get("portal_lines", []),
                   vanishing_rows=data.get("vanishing_rows", []))


class IinSource:
    """Unique valid IINs for given birth dates (serials counted per date and sex)."""

    def __init__(self):
        self.serials: dict[tuple[dt.date, int], int] = defaultdict(int)

    def make(self, birth: dt.date, female: bool) -> str:
        marker = (5 if birth.year >= 2000 else 3) + (1 if female else 0)
        key = (birth, marker)
        while True:
            self.serials[key] += 1
            body = f"{birth:%y%m%d}{marker}{self.serials[key]:04d}"
            digit = check_digit(body)
            if digit is not None:
                return body + str(digit)


def _bins(count: int, first_serial: int) -> list[str]:
    bins, serial = [], first_serial
    while len(bins) < count:
        value = make_bin(10 + serial % 14, 1 + serial % 12, serial)
        serial += 1
        if value:
            bins.append(value)
    return bins


def _level(grade: int) -> str:
    return level_of_grade(grade).value


def generate(plan: Plan, directory: Path) -> Generated:
    """Write the two files for ``plan`` into ``directory`` and return what must be found."""
    plan = plan.scaled()
    rng = random.Random(plan.seed)
    directory.mkdir(parents=True, exist_ok=True)
    d = plan.check_date
    year_start = plan.year_start
    iins = IinSource()
    private = _bins(plan.private_schools, 10_000)
    state = _bins(plan.state_schools, 60_000)
    regions = ["71", "75", "79", "11", "15", "19", "23", "27", "31", "35", "39", "43", "47", "55", "59", "61", "62", "63", "33", "10"]

    def birth_for(grade: int, age_offset: int | None = None) -> dt.date:
        age = grade + (age_offset if age_offset is not None else rng.choice((5, 6)))
        latest = dt.date(year_start.year - age, year_start.month, year_start.day)  # exactly `age` on 1 September
        return latest - dt.timedelta(days=rng.randrange(0, 365))

    expected: set[tuple[str, str, str]] = set()
    risk_expected: set[tuple[str, str]] = set()
    active = defaultdict(lambda: defaultdict(int))  # school bin -> level -> pupils active on D (contingent)
    before = d - dt.timedelta(days=30)
    counted = defaultdict(lambda: [0, 0])  # school bin -> [active on D, active on D − 30] (R03)
    portal_lines: list[int] = []
    vanishing: list[str] = []
    birth_shift, bad_check = [], []
    kinds = [kind for kind in PUPIL_KINDS for _ in range(plan.per_kind)]
    rng.shuffle(kinds)
    interval = max(plan.private_rows // (len(kinds) + 1), 2)
    names = (LAST_NAMES, FIRST_NAMES, MIDDLE_NAMES)
    header_c = "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category,school_bin\n"
    header_n = "iin,last_name,first_name,middle_name,birth_date,school_bin,grade,enrolled_on,left_on\n"
    contingent_path, nobd_path = directory / "contingent.csv", directory / "nobd.csv"
    rows_c = rows_n = 0
    iso = dt.date.isoformat
    with open(contingent_path, "w", encoding="utf-8", newline="") as out_c, open(nobd_path, "w", encoding="utf-8", newline="") as out_n:
        out_c.write(header_c)
        out_n.write(header_n)

        def person(index: int) -> str:
            return f"{names[0][index % 16]},{names[1][(index // 16) % 16]},{names[2][(index // 256) % 8]}"

        def c_row(iin, who, birth, grade, school, enrolled, left="", category="regular"):
            nonlocal rows_c
            out_c.write(f"{iin},{who},{iso(birth)},{grade},{iso(enrolled)},{left and iso(left)},{category},{school}\n")
            rows_c += 1
            if enrolled <= d and (not left or left >= d):
                active[school][_level(grade)] += 1
                counted[school][0] += 1
            if enrolled <= before and (not left or left >= before):
                counted[school][1] += 1

        def n_row(iin, who, birth, school, grade, enrolled, left=""):
            nonlocal rows_n
            out_n.write(f"{iin},{who},{iso(birth)},{school},{grade},{iso(enrolled)},{left and iso(left)}\n")
            rows_n += 1

        # --- private schools of the portal: contingent and NOBD agree, except where planted ---
        per_school = plan.private_rows // plan.private_schools
        index = 0
        for s_index, school in enumerate(private):
            count = per_school + (plan.private_rows - per_school * plan.private_schools if s_index == 0 else 0)
            for _ in range(count):
                index += 1
                grade = index % 12
                female = bool(index % 2)
                kind = kinds.pop() if (kinds and index % interval == 0) else None
                birth = birth_for(grade, 10 if kind == "P07" else None)
                iin = iins.make(birth, female)
                who = person(index)
                start = dt.date(2025, 9, 1) if index % 5 else dt.date(2023, 9, 1)
                other_state = state[index % len(state)]
                other_private = private[(s_index + 1) % len(private)]
                category = "sen" if index % 37 == 0 else "regular"
                if kind is None:
                    c_row(iin, who, birth, grade, school, start, category=category)
                    if len(portal_lines) < plan.per_kind and index % 97 == 0:
                        portal_lines.append(rows_n)
                    n_row(iin, who, birth, school, grade, start)
                    continue
                if kind.startswith("R01"):
                    # four rows this school year, one at this portal school (R01); three; or most before Y
                    moved_in = year_start + dt.timedelta(days=45)
                    c_row(iin, who, birth, grade, school, moved_in)
                    first = year_start if kind != "R01_before_year" else year_start - dt.timedelta(days=90)
                    stays = [(first, first + dt.timedelta(days=9)), (first + dt.timedelta(days=10), first + dt.timedelta(days=19)),
                             (year_start + dt.timedelta(days=20), year_start + dt.timedelta(days=44))]
                    if kind == "R01_three_rows":
                        stays = stays[1:]
                    for number, (enrolled, left) in enumerate(stays):
                        n_row(iin, who, birth, state[(index + number) % len(state)], grade, enrolled, left)
                    n_row(iin, who, birth, school, grade, moved_in)
                    if kind == "R01":
                        risk_expected.add(("R01", iin))
                    continue
                if kind in ("P01_birth", "P01_check"):
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, school, grade, start)
                    if kind == "P01_birth":
                        birth_shift.append(iin)
                        expected.add(("P01", school, iin))
                    else:
                        bad = iin[:11] + str((int(iin[11]) + 1) % 10)
                        bad_check.append(iin)
                        expected |= {("P01", school, bad), ("P02", school, bad)}
                elif kind == "P02":
                    c_row(iin, who, birth, grade, school, start)
                    expected.add(("P02", school, iin))
                elif kind == "P03":
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, other_state, grade, start)
                    expected.add(("P03", school, iin))
                elif kind == "P03_edge":
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, school, grade, start)
                    n_row(iin, who, birth, other_state, grade, dt.date(2024, 9, 1), d)  # left on D: still active on D
                    expected.add(("P03", school, iin))
                elif kind == "P04":
                    c_row(iin, who, birth, grade, school, dt.date(2024, 9, 1))
                    n_row(iin, who, birth, school, grade, dt.date(2024, 9, 1), d - dt.timedelta(days=10))
                    expected.add(("P04", school, iin))
                elif kind == "P05":
                    c_row(iin, who, birth, grade, school, start)
                    c_row(iin, who, birth, grade, other_private, dt.date(2025, 10, 1))
                    n_row(iin, who, birth, school, grade, start)
                    expected |= {("P05", school, iin), ("P05", other_private, iin), ("P03", other_private, iin)}
                elif kind == "P06":
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, school, (grade + 1) % 12, start)
                    expected.add(("P06", school, iin))
                elif kind == "P07":
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, school, grade, start)
                    expected.add(("P07", school, iin))
                elif kind == "left_before":
                    c_row(iin, who, birth, grade, school, dt.date(2024, 9, 1), d - dt.timedelta(days=30))
                    n_row(iin, who, birth, other_state, grade, d - dt.timedelta(days=29))
                elif kind == "enrolled_after":
                    c_row(iin, who, birth, grade, school, d + dt.timedelta(days=5))
                elif kind == "moved_in_past":
                    c_row(iin, who, birth, grade, school, d - dt.timedelta(days=59))
                    n_row(iin, who, birth, other_state, grade, dt.date(2023, 9, 1), d - dt.timedelta(days=60))
                    n_row(iin, who, birth, school, grade, d - dt.timedelta(days=59))
                elif kind == "edge_enrolled_on_D":
                    c_row(iin, who, birth, grade, school, d)
                    n_row(iin, who, birth, school, grade, d)
                elif kind == "edge_left_on_D":
                    c_row(iin, who, birth, grade, school, start, d)
                    n_row(iin, who, birth, school, grade, start, d)
                elif kind == "reenrolled":
                    c_row(iin, who, birth, grade, school, dt.date(2024, 9, 1))
                    n_row(iin, who, birth, school, grade, dt.date(2023, 9, 1), dt.date(2024, 5, 31))
                    n_row(iin, who, birth, school, grade, dt.date(2024, 9, 1))
                elif kind == "future_other_school":
                    c_row(iin, who, birth, grade, school, start)
                    n_row(iin, who, birth, school, grade, start)
                    n_row(iin, who, birth, other_state, grade, d + dt.timedelta(days=1))
                elif kind == "two_schools_past":
                    c_row(iin, who, birth, grade, other_private, dt.date(2023, 9, 1), d - dt.timedelta(days=100))
                    c_row(iin, who, birth, grade, school, d - dt.timedelta(days=99))
                    n_row(iin, who, birth, other_private, grade, dt.date(2023, 9, 1), d - dt.timedelta(days=100))
                    n_row(iin, who, birth, school, grade, d - dt.timedelta(days=99))
                elif kind == "same_school_twice":
                    c_row(iin, who, birth, grade, school, dt.date(2023, 9, 1), dt.date(2024, 5, 31))
                    c_row(iin, who, birth, grade, school, dt.date(2024, 9, 1))
                    n_row(iin, who, birth, school, grade, dt.date(2024, 9, 1))

        # --- R02: month-end churn at a few schools (three enrolments: flagged; two: not), pupils NOBD never had ---
        churn_rng = random.Random(plan.seed + 2)
        churn_schools = churn_rng.sample(private, min(len(private), 2 * max(plan.per_kind // 4, 1)))
        for number, school in enumerate(churn_schools):
            month = dt.date(2025, 9, 1) if number % 2 else dt.date(2025, 10, 1)
            last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            enrolments = 3 if number < len(churn_schools) // 2 else 2
            for offset in range(enrolments):
                index += 1
                grade = index % 12
                birth = birth_for(grade)
                c_row(iins.make(birth, bool(index % 2)), person(index), birth, grade, school,
                      last - dt.timedelta(days=offset), last + dt.timedelta(days=1 + 2 * offset))
            if enrolments == 3:
                risk_expected.add(("R02", f"{school}:{month:%Y-%m}"))

        # --- R03: a few schools grow by one pupil more than 30 % within 30 days; as many by exactly 30 % ---
        jump_schools = churn_rng.sample([bin_ for bin_ in private if bin_ not in churn_schools],
                                        min(len(private) - len(churn_schools), 2 * max(plan.per_kind // 4, 1)))
        for number, school in enumerate(jump_schools):
            now, then = counted[school]
            growth = max((30 * then) // 100 - (now - then), 0) + (1 if number % 2 == 0 else 0)
            for _ in range(growth):
                index += 1
                grade = index % 12
                birth = birth_for(grade)
                iin, who = iins.make(birth, bool(index % 2)), person(index)
                c_row(iin, who, birth, grade, school, d - dt.timedelta(days=10))
                n_row(iin, who, birth, school, grade, d - dt.timedelta(days=10))
        for school, (now, then) in counted.items():
            if now - then >= 20 and 100 * (now - then) > 30 * then:
                risk_expected.add(("R03", school))

        # --- R05: rows every snapshot before D has and D has not (flagged at portal schools, active on D′) ---
        previous = d - dt.timedelta(days=1)
        for number in range(plan.per_kind * 2):
            index += 1
            grade = index % 12
            birth = birth_for(grade)
            iin, who = iins.make(birth, bool(index % 2)), person(index)
            trap = number % 4  # 0, 1: flagged; 2: a state school; 3: left before D′
            school = state[number % len(state)] if trap == 2 else private[(number * 7) % len(private)]
            left = previous - dt.timedelta(days=1) if trap == 3 else None
            vanishing.append(f"{iin},{who},{iso(birth)},{school},{grade},{iso(year_start)},{left and iso(left) or ''}")
            if trap in (0, 1):
                risk_expected.add(("R05", f"{iin}:{school}:{iso(year_start)}"))

        # --- state schools: NOBD only ---
        state_first = rows_n
        per_state = plan.state_rows // plan.state_schools
        for s_index, school in enumerate(state):
            count = per_state + (plan.state_rows - per_state * plan.state_schools if s_index == 0 else 0)
            for _ in range(count):
                index += 1
                grade = index % 12
                birth = birth_for(grade)
                iin = iins.make(birth, bool(index % 2))
                n_row(iin, person(index), birth, school, grade, dt.date(2025, 9, 1) if index % 7 else dt.date(2022, 9, 1))
        state_last = rows_n

    # --- schools, capacities and contracts; S04 / S05 planted on a few ---
    schools = []
    s_kinds = (["S04"] * plan.per_kind + ["S05"] * plan.per_kind + ["S05_missing_level"] * max(plan.per_kind // 4, 1)
               + ["no_contract", "terminated_only", "expired_only"] * max(plan.per_kind // 4, 1))
    s_rng = random.Random(plan.seed + 1)
    chosen = s_rng.sample(range(1, len(private)), min(len(s_kinds), len(private) - 1))
    kind_of = dict(zip(chosen, s_kinds, strict=False))
    for s_index, school in enumerate(private):
        levels = active[school]
        total = sum(levels.values())
        kind = kind_of.get(s_index)
        capacity = total + 50
        places = {level: levels.get(level, 0) + 10 for level in ("primary", "basic", "general")}
        contracts = [{"status": "active", "start": str(dt.date(2025, 9, 1)), "end": str(dt.date(2026, 5, 31)), "places": places}]
        if kind == "S04":
            capacity = max(total - 3, 0)
            expected.add(("S04", school, ""))
        elif kind == "S05":
            level = s_rng.choice([lv for lv in ("primary", "basic", "general") if levels.get(lv, 0) > 2])
            places[level] = levels[level] - 2
            expected.add(("S05", school, level))
        elif kind == "S05_missing_level":
            level = "general"
            del places[level]
            if levels.get(level):
                expected.add(("S05", school, level))
        elif kind == "no_contract":
            contracts = []
        elif kind == "terminated_only":
            contracts = [{"status": "terminated", "start": str(dt.date(2025, 9, 1)), "end": str(dt.date(2026, 5, 31)),
                          "places": {level: 0 for level in places}}]
        elif kind == "expired_only":
            contracts = [{"status": "active", "start": str(dt.date(2024, 9, 1)), "end": str(dt.date(2025, 5, 31)),
                          "places": {level: 0 for level in places}}]
        schools.append({"bin": school, "region": regions[s_index % len(regions)], "capacity": capacity, "contracts": contracts})

    generated = Generated(contingent_path=contingent_path, nobd_path=nobd_path, contingent_rows=rows_c, nobd_rows=rows_n,
                          schools=schools, plant_birth_shift=birth_shift, plant_bad_check_digit=bad_check, expected=expected,
                          risk_expected=risk_expected, state_lines=(state_first, state_last), portal_lines=portal_lines,
                          vanishing_rows=vanishing)
    (directory / "plan.json").write_text(json.dumps(generated.to_json()), encoding="utf-8")
    return generated
