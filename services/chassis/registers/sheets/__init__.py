"""A register's spreadsheets: reading a .csv or .xlsx file into API payloads, writing exports
(.xlsx, and UTF-8 CSV with a BOM for Excel) and the import template. A register declares its
columns and how its cells read (`Sheet`, `Column`, `CellValues`); everything else is here.

Framework-free: openpyxl and the standard library. Every header and message comes from the
catalogue; file-level problems are {field: FILE, row, code, params} like any other."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, NamedTuple

from services import reference
from services.chassis.messages import CATALOGUE

from .cells import CellValues


class Column(NamedTuple):
    field: str
    th: str  # the header written in templates and exports
    en: str
    description: str  # Thai, shown in the template's guide
    required: bool = False


def columns(names: Iterable[str], required: Iterable[str] = (), texts: dict[str, str] | None = None) -> tuple[Column, ...]:
    """Columns named by field, their headers the catalogue's `col_<stem>` (Thai, English) and
    their guide text `help_<stem>`. The stem is the field's name, or what `texts` gives for it:
    the columns every location has are shared codes (`col_province`), a register's own column
    may need its own (a person's name is not an organization's: `texts={"name": "person_name"}`)."""
    required, texts = set(required), texts or {}
    return tuple(_column(name, texts.get(name, name), name in required) for name in names)


def _column(name: str, stem: str, required: bool) -> Column:
    th, en = CATALOGUE[f"col_{stem}"]
    return Column(name, th, en, CATALOGUE.get(f"help_{stem}", ("", ""))[0], required)


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class CodeList:
    """A code list the template shows on a sheet of its own (`sheet`: its title's catalogue
    code), as a dropdown in the data sheet's `dropdown` column if given."""

    sheet: str
    codes: dict[str, tuple[str, str]]
    dropdown: str | None = None


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class Sheet:
    """A register's spreadsheets. `data_sheet` and `guide_note` are catalogue codes: the data
    sheet's title, and the guide's first line. `columns` are what an import reads and the
    template shows, in order; `export_only` the read-only columns an export adds after them
    (an import recognises and ignores them, so exports import back). `cells` turns cells into
    API values; `to_cells(record)` a record as the API returns it into its export row, by
    field; `example()` is the template's example row as a payload; `lists` are the
    template's code lists; `provinces` adds the list of provinces; `wide` are the columns the
    template shows wider. `center_of(row)` is the center a row's record belongs to (None when
    the row does not say; the service then names what is wrong), `center_field` the field a
    problem of a row of another center names, and `other_center` that problem's code;
    `exported` the code of what the CLI says once it exported (`count`, `path`), `export_rpc`
    the service's RPC whose pages an export writes (`list`, or one that answers every field an
    export shows, as the caller may see it). Where a row's cells make a nested value (a
    person's consent, read from five columns), `problem_columns` names the column (field) a
    problem of each part is about (`column_of`)."""

    data_sheet: str
    guide_note: str
    columns: tuple[Column, ...]
    export_only: tuple[Column, ...]
    cells: CellValues
    to_cells: Callable[[dict], dict]
    example: Callable[[], dict]
    other_center: str
    exported: str
    lists: tuple[CodeList, ...] = ()
    provinces: bool = True
    wide: tuple[str, ...] = ()
    center_of: Callable[[dict], str | None] = reference.center_of  # the location gives the center
    center_field: str = "province"
    export_rpc: str = "list"
    problem_columns: dict[str, str] = field(default_factory=dict)  # a payload field ("consent.given_on") -> column

    @property
    def export_columns(self) -> tuple[Column, ...]:
        return self.columns + self.export_only

    def column_of(self, name: str) -> str:
        """The column (its field) a problem of the payload field `name` is about: the one
        `problem_columns` gives for it or the longest part of it ("consent.purposes.0" ->
        "consent.purposes"), else its first part ("roles.0.role" -> "roles")."""
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            found = self.problem_columns.get(".".join(parts[:end]))
            if found:
                return found
        return parts[0]

    @property
    def data_sheet_title(self) -> str:
        return CATALOGUE[self.data_sheet][0]

    def example_cells(self) -> dict:
        """The example row as the template shows it: labels, not codes."""
        row, cells = self.example(), self.cells
        for name in cells.vocabularies:
            if name in row:
                row[name] = cells.labels(name, row[name]) if name in cells.lists else cells.label(name, row[name])
        return row

    def read_rows(self, filename: str, content: bytes, sheet: str | None = None,
                  on_rows: Callable[[int, list], None] | None = None, chunk: int = 2000):
        from .reading import read_rows

        return read_rows(self, filename, content, sheet, on_rows, chunk)

    def write_xlsx(self, records: Iterable[dict]) -> bytes:
        from .writing import write_xlsx

        return write_xlsx(self, records)

    def iter_csv(self, records: Iterable[dict], rows_per_chunk: int = 500) -> Iterator[bytes]:
        from .writing import iter_csv

        return iter_csv(self, records, rows_per_chunk)

    def write_csv(self, records: Iterable[dict]) -> bytes:
        return b"".join(self.iter_csv(records))

    def template(self) -> bytes:
        """The import template: the data sheet (headers, the example row, dropdowns), a guide
        to every column, and the code lists."""
        from .template import build

        return build(self)
