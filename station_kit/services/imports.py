"""Importing a spreadsheet of volunteers or of service hours (DESIGN.md §9): preview first, with
every row's errors, then commit all rows or none, in one transaction; importing a file again adds
nothing.

A volunteer row is who its ID number says (the keyed hash the registry looks people up by): a row
whose number is already registered under the same name is skipped, under another name refused.
An hours row is its volunteer, activity name, date and minutes: the national system's exports
carry no record number, and the same person serving the same named activity twice on one day for
exactly as long is far rarer than a worker importing an export that overlaps the last one.

Rows pass the same checks as the registration form and the hours entry (services.volunteers,
services.records); duplicates are looked up once per file, not once per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from station_kit.db import lock_rows
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.io.cells import cell_text, choice_value, date_value, header_key, id_like
from station_kit.io.sheets import SheetRow, Table, read_table
from station_kit.models import Station, Volunteer, VolunteerCreate
from station_kit.models.people import IdType
from station_kit.privacy import mask_id_number, mask_phone
from station_kit.rules import load_rules
from station_kit.services.audit import log_event
from station_kit.services.context import remember_key, vault_for
from station_kit.services.scope import Scope
from station_kit.services.volunteers import check_volunteer, next_numbers, volunteer_row

KINDS = ("volunteers", "hours")
REQUIRED = {"volunteers": ("name", "id_number"), "hours": ("activity", "date")}
ADD, SKIP, REFUSE = "add", "skip", "refuse"
FILE_MOST_BYTES = 20 * 1024 * 1024  # far above 10,000 rows (about 0.5 MB); more is not a roster
# The fields an error may name that are a column of the file or have a label of their own.
_LABELLED = {"name", "gender", "id_type", "id_number", "phone", "birth_date", "residence_area", "party",
             "guardian_name", "guardian_consent", "activity", "date", "hours", "certified_hours", "minutes",
             "number", "volunteer"}


@dataclass(frozen=True)
class PreviewRow:
    row: int  # as Excel numbers it
    shown: tuple[str, ...]  # what the preview table shows of it, ID numbers and phones masked
    outcome: str  # ADD, SKIP or REFUSE
    errors: tuple[FieldError, ...] = ()
    note: FieldError | None = None  # why a row is skipped


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    filename: str
    digest: str  # sha256 of the file, for the audit log
    columns: dict[str, str]  # field → the file's header
    unknown_columns: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    file_errors: tuple[FieldError, ...] = ()

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def can_commit(self) -> bool:
        return not self.file_errors and not self.count(REFUSE) and self.count(ADD) > 0


@dataclass(frozen=True)
class ImportResult:
    kind: str
    added: int
    skipped: int


@dataclass
class Plan:
    preview_rows: list[PreviewRow] = field(default_factory=list)
    write: Callable[[Scope], None] | None = None


def preview_import(*, scope: Scope, station_id: int, kind: str, content: bytes,
                   filename: str) -> ImportPreview:
    """What importing the file would do, row by row; nothing is written."""
    scope.require_station(station_id)
    preview, _plan = _prepare(scope.session, station_id, kind, content, filename, write=False)
    return preview


def import_file(*, scope: Scope, station_id: int, kind: str, content: bytes, filename: str,
                consent_on_file: bool = False) -> ImportResult:
    """Import every row, or none when any row is refused (DomainError: the file's errors, or one
    error per refused row). Volunteers need ``consent_on_file``: the worker confirms that each
    person (and a guardian, under 14) agreed in writing to have their service recorded."""
    session = scope.session
    scope.require(station_id=station_id)
    if kind == "volunteers" and not consent_on_file:
        raise DomainError.on("consent", "imports.consent_required")
    # Imports at one station queue on its row, as registrations do: numbers and duplicate checks hold.
    lock_rows(session, Station, [station_id])
    preview, plan = _prepare(session, station_id, kind, content, filename, write=True)
    if preview.file_errors:
        raise DomainError(list(preview.file_errors))
    refused = [row for row in preview.rows if row.outcome == REFUSE]
    if refused:
        raise DomainError([FieldError(f"row.{row.row}", "imports.row_refused",
                                      {"row": row.row, "count": len(row.errors)}) for row in refused])
    if not preview.count(ADD):
        return ImportResult(kind, 0, preview.count(SKIP))  # the same file again: nothing to write
    try:
        plan.write(scope)
        session.flush()
    except IntegrityError:
        raise DomainError.on("file", "write.conflict") from None
    log_event(scope, action=f"import.{kind}", entity=kind, station_id=station_id,
              file=filename, sha256=preview.digest, added=preview.count(ADD), skipped=preview.count(SKIP))
    return ImportResult(kind, preview.count(ADD), preview.count(SKIP))


def _prepare(session, station_id, kind, content, filename, *, write: bool) -> tuple[ImportPreview, Plan]:
    if kind not in KINDS:
        raise DomainError.on("kind", "imports.unknown_kind")
    if len(content) > FILE_MOST_BYTES:
        raise DomainError.on("file", "imports.file.too_big", most=FILE_MOST_BYTES // (1024 * 1024))
    rules = load_rules("imports")
    digest = hashlib.sha256(content).hexdigest()
    table = read_table(content, filename, rules[kind]["columns"])
    missing = [name for name in REQUIRED[kind] if name not in table.columns]
    if kind == "hours":
        if not {"id_number", "number"} & set(table.columns):
            missing.append("id_number")
        if not {"certified_hours", "hours", "minutes"} & set(table.columns):
            missing.append("hours")
    file_errors = [FieldError("file", "imports.file.missing_column", {"column": t(f"imports.field.{name}")})
                   for name in missing]
    if not table.rows:
        file_errors.append(FieldError("file", "imports.file.no_rows"))
    plan = Plan()
    if not file_errors:
        if kind == "volunteers":
            plan = _plan_volunteers(session, station_id, table, rules, write=write)
        else:
            # Imported here: import_hours builds on this module's rows and plans.
            from station_kit.services.import_hours import plan_hours

            plan = plan_hours(session, station_id, table, rules, filename)
    preview = ImportPreview(kind, filename, digest, table.columns, table.unknown, tuple(plan.preview_rows),
                            tuple(file_errors))
    return preview, plan


def cell(errors: list[FieldError], read: Callable[[], object]) -> object:
    """A cell read by ``read``, or None with its refusal added to ``errors``."""
    try:
        return read()
    except DomainError as error:
        errors.extend(error.errors)
        return None


def _plan_volunteers(session, station_id, table: Table, rules: dict, *, write: bool) -> Plan:
    vault = vault_for(session)
    registered = {row.id_number_hash: (row.number, row.name) for row in session.exec(
        select(Volunteer.id_number_hash, Volunteer.number, Volunteer.name)
        .where(Volunteer.station_id == station_id, Volunteer.active)).all()}
    first_row_of: dict[str, int] = {}
    plan, accepted = Plan(), []
    for row in table.rows:
        errors: list[FieldError] = []
        data = _volunteer_data(errors, row, rules)
        checked = check_volunteer(errors, session, station_id, data, vault) if data else None
        id_hash = checked.id_hash if checked else None
        shown = (cell_text(row.values.get("name")), _masked(checked),
                 mask_phone(checked.phone) if checked and checked.phone else "")
        note = None
        if id_hash and id_hash in first_row_of:
            errors.append(FieldError("id_number", "imports.duplicate_in_file", {"row": first_row_of[id_hash]}))
        elif id_hash and id_hash in registered:
            number, name = registered[id_hash]
            if name == checked.texts.get("name"):
                note = FieldError("id_number", "imports.already_registered", {"number": number})
            else:
                errors.append(FieldError("id_number", "id_number.duplicate", {"number": number, "name": name}))
        if id_hash:
            first_row_of.setdefault(id_hash, row.number)
        outcome = REFUSE if errors else SKIP if note else ADD
        plan.preview_rows.append(PreviewRow(row.number, shown, outcome, tuple(errors), note))
        if outcome == ADD:
            accepted.append((data, checked))

    def write_rows(scope: Scope) -> None:
        session = scope.session
        remember_key(session, vault)
        numbers = next_numbers(session, station_id, len(accepted))
        session.add_all([volunteer_row(data, checked, station_id=station_id, number=number, vault=vault)
                         for (data, checked), number in zip(accepted, numbers)])

    plan.write = write_rows if write else None
    return plan


def _masked(checked) -> str:
    return mask_id_number(checked.identity.number) if checked and checked.identity else ""


def _volunteer_data(errors: list[FieldError], row: SheetRow, rules: dict) -> VolunteerCreate | None:
    """A row as the registration form would send it. Consent is confirmed for the whole file."""
    values = row.values
    id_type = cell(errors, lambda: choice_value(values.get("id_type"), rules["id_types"], field="id_type",
                                                key="imports.cell.id_type")) or IdType.resident_id
    gender = cell(errors, lambda: choice_value(values.get("gender"), rules["genders"], field="gender",
                                               key="imports.cell.gender"))
    id_number = cell(errors, lambda: id_like(values.get("id_number"), field="id_number"))
    phone = cell(errors, lambda: id_like(values.get("phone"), field="phone"))
    birth_date = cell(errors, lambda: date_value(values.get("birth_date"), field="birth_date"))
    members = {header_key(label) for label in rules["party"]["members"]}
    guardian = cell_text(values.get("guardian_name"))
    if errors:
        return None
    try:
        return VolunteerCreate(
            name=cell_text(values.get("name")), id_type=id_type, id_number=id_number, phone=phone,
            gender=gender, birth_date=birth_date, residence_area=cell_text(values.get("residence_area")),
            is_party_member=header_key(values.get("party")) in members, guardian_name=guardian,
            consent=True, guardian_consent=bool(guardian))
    except ValidationError as error:
        errors.extend(DomainError.from_validation(error).errors)
        return None


def error_lines(preview: ImportPreview, row: PreviewRow) -> list[str]:
    """A row's refusals in words: "证件号码：身份证号码校验位不对"."""
    return [t("imports.error_line", column=column_label(preview, error.field), message=t(error.key, **error.params))
            for error in row.errors]


def column_label(preview: ImportPreview, field_name: str) -> str:
    """The file's own header for a field, else the field's name in words."""
    if field_name in preview.columns:
        return preview.columns[field_name]
    return t(f"imports.field.{field_name if field_name in _LABELLED else 'row'}")


def note_line(row: PreviewRow) -> str:
    return t(row.note.key, **row.note.params) if row.note else ""
