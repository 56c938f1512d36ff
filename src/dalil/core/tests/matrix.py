"""Permission-matrix declaration for the vault pages (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

# Hold core.file.view at BGD-KARADA. Administrators and auditors do not read content.
FILE_READERS = {
    "commander",
    "investigator",
    "scene_officer",
    "evidence_custodian",
    "lab_examiner",
    "lab_supervisor",
    "analyst",
    "ia_investigator",
    "ia_commander",
}
UPLOADERS = FILE_READERS - {"commander"}


def build(world: Any) -> None:
    """One stored file in BGD-KARADA and one in BGD-MANSOUR."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dalil.core import vault

    mansour = world.make_user("matrix.uploader.mansour", unit="BGD-MANSOUR", role="investigator")
    for key, actor, unit in [
        ("file.own", world.users["investigator"], "BGD-KARADA"),
        ("file.other", mansour, "BGD-MANSOUR"),
    ]:
        upload = SimpleUploadedFile(
            f"{key}.txt", f"matrix {key}".encode(), content_type="text/plain"
        )
        world.objects[key] = vault.file_store(actor=actor, unit=world.units[unit], upload=upload)


MATRIX: list[dict[str, Any]] = [
    {"route": "core:file_list", "methods": ("GET",), "allowed": frozenset(ROLES)},
    {"route": "core:file_upload", "methods": ("GET", "POST"), "allowed": UPLOADERS},
    {
        "route": "core:file_download",
        "methods": ("GET",),
        "objects": {
            "own": lambda w, me: {"pk": w.objects["file.own"].pk},
            "other": lambda w, me: {"pk": w.objects["file.other"].pk},
        },
        "allowed": {"own": FILE_READERS, "other": set()},
    },
]
