"""Every write to the catalogue."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet

from portal.outbox import EventKind, event_record, quiet_change_record
from procedures.models import Procedure, Status

CATALOGUE_EDITORS = "Catalogue editors"
EDITOR_MODELS = ["procedure", "procedurestep", "requireddocument", "cost", "legalbasis"]


def procedures_set_status(*, procedures: QuerySet[Procedure], status: str, user) -> int:
    """Publish or withdraw, one save per procedure so each change enters the history."""
    changed = 0
    with transaction.atomic():
        for procedure in procedures.select_for_update():
            if procedure.status != status:
                procedure.status = status
                procedure._history_user = user
                procedure.save()
                changed += 1
                quiet_change_record(procedure=procedure)
                if status == Status.PUBLISHED:
                    procedure_announce(procedure=procedure, kind=EventKind.PROCEDURE_PUBLISHED)
    return changed


def procedure_announce(
    *, procedure: Procedure, kind: str = EventKind.PROCEDURE_CHANGED, changes=()
):
    """Tell the procedure's followers, in the transaction of the change (published ones only)."""
    if procedure.status != Status.PUBLISHED:
        return None
    return event_record(
        kind=kind,
        procedure=procedure,
        title=f"{procedure.name}: {EventKind(kind).label.lower()}",
        changes=changes,
        path=procedure.get_absolute_url(),
    )


def catalogue_editors_group_ensure() -> Group:
    """The admin group whose members edit the catalogue (add, change, view; deleting a
    procedure is withdrawing it, so no delete on procedures)."""
    group, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    codenames = [
        f"{action}_{model}"
        for model in EDITOR_MODELS
        for action in ("add", "change", "view", *(("delete",) if model != "procedure" else ()))
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="procedures", codename__in=codenames
    ) | Permission.objects.filter(
        # Editors answer residents' reports about procedures in the admin.
        content_type__app_label="reports",
        codename__in=["view_report", "change_report"],
    )
    group.permissions.set(permissions)
    return group
