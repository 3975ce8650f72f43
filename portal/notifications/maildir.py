"""An email backend that delivers into a Maildir, in step with the database.

Maildir delivers in two steps: write the message into tmp/, then rename it into new/. Here the
rename waits for the sending transaction to commit, so a message is in new/ exactly when the
database says it was sent: a worker killed before the commit leaves only a file in tmp/ that
the retry overwrites (its name is the message's own id), and one killed between the commit
and the rename is finished by `maildir_recover()`, which the sweeper runs.

SMTP has no such second step: with it, a worker killed in the microseconds between the mail
server accepting a message and the commit would send that one message again on retry.
"""

import os
import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


class MaildirBackend(BaseEmailBackend):
    # Tells the sender that a batch of messages can share one transaction.
    publishes_on_commit = True

    def __init__(self, *args, maildir: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(maildir or settings.EMAIL_MAILDIR)

    def send_messages(self, email_messages: Iterable) -> int:
        for directory in ("tmp", "new", "cur"):
            (self.root / directory).mkdir(parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            mime = message.message()
            name = message_file_name(mime["Message-ID"])
            (self.root / "tmp" / name).write_bytes(mime.as_bytes(linesep="\n"))
            # Runs at once outside a transaction, after the commit inside one, never on rollback.
            transaction.on_commit(lambda name=name: publish(self.root, name))
            count += 1
        return count


def message_file_name(message_id: str) -> str:
    return _UNSAFE.sub("_", message_id.strip("<>")) + ".eml"


def publish(root: Path, name: str) -> bool:
    """Move a written message into new/; False when another process already did."""
    try:
        os.replace(root / "tmp" / name, root / "new" / name)
    except FileNotFoundError:
        return False
    return True


def pending_files(root: Path) -> list[str]:
    folder = root / "tmp"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []
