"""The outbox: the domain apps announce a public change by writing an event row here, in the
transaction of the change, and never import who reacts to it.

The row's model lives in the notifications app, found by name, so that wards and procedures
depend on this small module only; the notifications app listens to `event_recorded` (sent
once the change commits) and fans the event out to subscribers. An event whose signal was
lost with its process is dispatched by the sweeper.
"""

from django.apps import apps
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from portal import page_cache

# Sent after the recording transaction commits, with `event_id`.
event_recorded = Signal()


class EventKind(models.TextChoices):
    NOTICE_PUBLISHED = "thong_bao", _("Thông báo mới")
    CLOSURE_ADDED = "tam_dong_cua", _("Lịch nghỉ, tạm đóng cửa")
    SERVICE_POINT_CHANGED = "diem_phuc_vu", _("Thông tin điểm phục vụ thay đổi")
    HOURS_CHANGED = "gio_lam_viec", _("Giờ làm việc thay đổi")
    PROCEDURE_PUBLISHED = "thu_tuc_moi", _("Thủ tục được công bố")
    PROCEDURE_CHANGED = "thu_tuc_doi", _("Thủ tục thay đổi")


def event_record(*, kind: str, title: str, path: str, changes=(), unit=None, procedure=None):
    """Write the event in the caller's transaction; announce it once that commits."""
    event = apps.get_model("notifications", "Event").objects.create(
        kind=kind,
        unit=unit,
        procedure=procedure,
        title=title[:300],
        changes=[{"label": str(c[0]), "old": str(c[1]), "new": str(c[2])} for c in changes],
        path=path,
    )
    transaction.on_commit(lambda: event_recorded.send(sender=EventKind, event_id=event.pk))
    quiet_change_record(unit=unit, procedure=procedure)
    return event


def quiet_change_record(*, unit=None, procedure=None) -> None:
    """A public change that tells no subscriber (a notice withdrawn, a date checked): the
    cached public pages of what changed are rendered afresh, at once and again when the
    change commits (a page rendered in between may show the old data)."""
    scopes = page_cache.scopes_of_change(unit=unit, procedure=procedure)
    page_cache.scopes_bump(scopes)
    transaction.on_commit(lambda: page_cache.scopes_bump(scopes))
