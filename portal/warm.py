"""An app process's in-memory indexes, built before it takes its first request.

The address index (wards/resolver_index.py) takes one to three seconds to build and the
procedure search index (procedures/search.py) a fraction of that; built on demand, the first
conversion or search on every new worker would pay for them. The production gunicorn
configuration (deploy/gunicorn.conf.py) calls `indexes_warm()` in the master before it
forks its workers, so each worker starts with both; without preloading, each worker calls
it before it accepts a connection.
"""

import gc
import logging

from django.db import DatabaseError, connections

from procedures.search import search_index_warm
from wards.resolver_index import address_index

log = logging.getLogger(__name__)


def indexes_warm() -> bool:
    """Build the address and procedure search indexes in this process, then close its
    database connections, which a forked child must never share. A database that cannot
    be read is logged and False returned: the process still starts, and its first lookup
    builds the index instead."""
    try:
        address_index()
        search_index_warm()
    except DatabaseError as error:
        log.warning("Indexes not built before serving (%s); the first lookup builds them", error)
        return False
    finally:
        connections.close_all()
    # What was built lives as long as the process: out of the cyclic collector's reach, no
    # full collection walks it, and workers forked from here keep sharing its memory pages
    # instead of copying them when a collection would touch them.
    gc.collect()
    gc.freeze()
    return True
