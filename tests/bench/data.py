"""Realistic organization rows for benchmarks: the demo generator (`sanphalang.demo`), so the
benchmark and `sanphalang demo` register the same kind of data."""
from __future__ import annotations

from sanphalang.demo import org_rows

__all__ = ["org_rows"]
