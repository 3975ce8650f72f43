"""Writes the open data files into DOWNLOADS_ROOT: `downloads_build`."""

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.downloads import hsds
from portal.downloads.datasets import DATASETS, PROCEDURES, Dataset, Row, absolute
from portal.downloads.selectors import CONTENT_TYPES, MANIFEST, manifest_read
from portal.downloads.sources import licence, source_entries

LOCK = ".build.lock"
TEMPORARY_SUFFIX = ".tmp"
# A temporary file this old was left by a build that died: no live build takes so long.
STALE_TEMPORARY_SECONDS = 3600
HSDS_FILE = "procedures.hsds.json"


@dataclass
class BuildSummary:
    written: list[str] = field(default_factory=list)  # files whose bytes changed
    unchanged: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # per file
    skipped: bool = False  # another build held the lock


@dataclass(frozen=True)
class Output:
    """One file of a dataset, rendered for a given generation time."""

    name: str
    dataset: str
    format: str  # csv, json, meta (a CSV's description), hsds
    rows: int
    render: Callable[[str], bytes]


def downloads_build(*, root: Path | None = None, now: datetime | None = None) -> BuildSummary:
    """Write every dataset's files, then the manifest, into `root` (DOWNLOADS_ROOT).

    Each file is replaced atomically (a temporary file beside it, then os.replace), so a
    download gets the old file or the new one, never part of one; the manifest goes last.
    A dataset whose rows, columns and sources have not changed keeps its files untouched,
    `generated_at` included, so running twice writes nothing the second time and caches
    keep their copies. While another build holds the lock this returns at once, skipped.
    """
    root = Path(root or settings.DOWNLOADS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with _lock(root) as held:
        if not held:
            return BuildSummary(skipped=True)
        _remove_stale_temporaries(root)
        with translation.override(settings.LANGUAGE_CODE):
            return _build(root, timezone.localtime(now).isoformat(timespec="seconds"))


def _build(root: Path, now: str) -> BuildSummary:
    previous = manifest_read(root) or {}
    earlier = {entry.get("name"): entry.get("generated_at") for entry in previous.get("files", [])}
    summary = BuildSummary()
    datasets, files = [], []
    for dataset, groups in _outputs():
        times = []
        for outputs in groups:
            at = _write_group(root, outputs, earlier.get(outputs[0].name), now, summary)
            files += [_file_entry(root, output, at) for output in outputs]
            times.append(at)
        datasets.append(_dataset_entry(dataset, groups[0][0].rows, max(times)))
    manifest = {
        "generated_at": max(entry["generated_at"] for entry in datasets),
        "page": absolute(reverse("downloads:index")),
        "licence": licence(),
        "datasets": datasets,
        "files": files,
    }
    _write_if_changed(root / MANIFEST, _dumps(manifest, indent=1).encode() + b"\n", summary)
    return summary


def _write_group(
    root: Path, outputs: list[Output], earlier: str | None, now: str, summary: BuildSummary
) -> str:
    """Keep files made from the same rows (a CSV, its description, the JSON) when rendering
    them at their earlier time gives the bytes they have; otherwise write them anew,
    stamped `now`. Returns the files' generation time."""
    if earlier and all(_read(root / output.name) == output.render(earlier) for output in outputs):
        summary.unchanged += [output.name for output in outputs]
        summary.rows |= {output.name: output.rows for output in outputs}
        return earlier
    for output in outputs:
        _write_if_changed(root / output.name, output.render(now), summary)
        summary.rows[output.name] = output.rows
    return now


def _outputs() -> Iterator[tuple[Dataset, list[list[Output]]]]:
    """Each dataset with its groups of files; the catalogue's HSDS file is a group of its
    own, since a change to a service point changes it and not the catalogue's table."""
    for dataset in DATASETS:
        groups = [_table_outputs(dataset, dataset.rows())]
        if dataset is PROCEDURES:
            groups.append([_hsds_output()])
        yield dataset, groups


def _table_outputs(dataset: Dataset, rows: list[Row]) -> list[Output]:
    csv_name, json_name = f"{dataset.slug}.csv", f"{dataset.slug}.json"
    csv_bytes = _csv(dataset, rows)
    sources = source_entries(dataset.sources)

    def header(name: str, file_format: str, at: str) -> dict[str, Any]:
        return _header(dataset, name, file_format, at, len(rows), sources) | {
            "columns": [{"name": c.name, "description": c.description} for c in dataset.columns]
        }

    def csv_meta(at: str) -> bytes:
        described = header(csv_name, "csv", at) | {
            "encoding": "UTF-8",
            "delimiter": ",",
            "header_row": True,
            "empty_cell": "chưa biết, chưa xác minh",
        }
        return _dumps(described, indent=1).encode() + b"\n"

    return [
        Output(csv_name, dataset.slug, "csv", len(rows), lambda at: csv_bytes),
        Output(f"{dataset.slug}.meta.json", dataset.slug, "meta", len(rows), csv_meta),
        Output(
            json_name,
            dataset.slug,
            "json",
            len(rows),
            lambda at: _json(header(json_name, "json", at), {"rows": rows}),
        ),
    ]


def _hsds_output() -> Output:
    document = hsds.hsds_document()
    sources = source_entries(PROCEDURES.sources)
    count = len(document["services"])

    def render(at: str) -> bytes:
        header = _header(PROCEDURES, HSDS_FILE, "hsds", at, count, sources) | {
            "title": str(_("Danh mục thủ tục hành chính theo Open Referral HSDS 3.0")),
            "standard": {
                "name": "Open Referral Human Services Data Specification (HSDS)",
                "version": hsds.VERSION,
                "schema": hsds.SCHEMA,
            },
            "counts": {key: len(items) for key, items in document.items()},
        }
        return _json(header, document)

    return Output(HSDS_FILE, PROCEDURES.slug, "hsds", count, render)


def _header(
    dataset: Dataset, name: str, file_format: str, at: str, rows: int, sources: list
) -> dict[str, Any]:
    return {
        "title": str(dataset.title),
        "description": str(dataset.description),
        "dataset": dataset.slug,
        "file": name,
        "format": file_format,
        "url": absolute(reverse("downloads:file", args=[name])),
        "page": absolute(reverse("downloads:index")),
        "generated_at": at,
        "rows": rows,
        "licence": licence(),
        "sources": sources,
    }


def _dataset_entry(dataset: Dataset, rows: int, generated_at: str) -> dict:
    return {
        "slug": dataset.slug,
        "title": str(dataset.title),
        "rows": rows,
        "generated_at": generated_at,
        "sources": source_entries(dataset.sources),
    }


def _file_entry(root: Path, output: Output, generated_at: str) -> dict:
    data = _read(root / output.name) or b""
    return {
        "name": output.name,
        "dataset": output.dataset,
        "format": output.format,
        "content_type": CONTENT_TYPES[Path(output.name).suffix],
        "rows": output.rows,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "generated_at": generated_at,
    }


# Formats ----------------------------------------------------------------------------------


def _dumps(value: Any, indent: int | None = None) -> str:
    separators = None if indent else (",", ":")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)


def _json(header: dict[str, Any], lists: dict[str, list]) -> bytes:
    """One JSON object: the header under "meta", then each list one item to a line, so
    the file reads (and diffs) line by line and stays small."""
    members = [f'"meta": {_dumps(header, indent=1)}']
    for key, items in lists.items():
        lines = ",\n".join(_dumps(item) for item in items)
        members.append(f'"{key}": [\n{lines}\n]' if items else f'"{key}": []')
    return ("{\n" + ",\n".join(members) + "\n}\n").encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return _dumps(value)
    return str(value)


def _csv(dataset: Dataset, rows: list[Row]) -> bytes:
    """RFC 4180: a header row of plain column names, comma-separated, CRLF, UTF-8."""
    names = [column.name for column in dataset.columns]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_cell(row[name]) for name in names] for row in rows)
    return text.getvalue().encode()


# Files ------------------------------------------------------------------------------------


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_if_changed(path: Path, data: bytes, summary: BuildSummary) -> None:
    if _read(path) == data:
        summary.unchanged.append(path.name)
        return
    _write_atomically(path, data)
    summary.written.append(path.name)


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private; nginx reads it as another user.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _lock(root: Path) -> Iterator[bool]:
    """An exclusive lock on a file in `root`, held for the build; False when another
    process (a second worker, a manual run) holds it."""
    with open(root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_temporaries(root: Path) -> None:
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for path in root.glob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
