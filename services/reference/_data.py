"""Reads the CSV files shipped in ``services/reference/data``."""

import csv
import io
from importlib.resources import files


def read_csv(name: str) -> list[dict[str, str]]:
    text = files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))
