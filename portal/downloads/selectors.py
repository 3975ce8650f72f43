"""Reads of the built downloads: the manifest, and the one file a request may name."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings

MANIFEST = "manifest.json"
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}


def manifest_read(root: Path | None = None) -> dict[str, Any] | None:
    """The last build's manifest, or None before the first build (or if it is unreadable,
    which a build replaces)."""
    path = Path(root or settings.DOWNLOADS_ROOT) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return manifest if isinstance(manifest, dict) else None


def download_path(name: str) -> Path | None:
    """The file `name` names, only when the manifest lists it (or it is the manifest): no
    other name, and so no path outside DOWNLOADS_ROOT, is ever opened."""
    manifest = manifest_read()
    if manifest is None:
        return None
    listed = {entry.get("name") for entry in manifest.get("files", [])} | {MANIFEST}
    if name not in listed or Path(name).name != name or Path(name).suffix not in CONTENT_TYPES:
        return None
    return Path(settings.DOWNLOADS_ROOT) / name
