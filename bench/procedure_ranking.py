"""Which ranks procedures better: our in-memory search, or PostgreSQL's pg_trgm / full-text
search over the folded names? Prints top-1 and top-3 hits on the 46 real queries of
tests/procedures/test_search.py, on the seed catalogue, for each.

    .venv/bin/python bench/procedure_ranking.py

Needs the machine's PostgreSQL (BENCH_DATABASE_URL; the extension pg_trgm is created
there). Asserts nothing.
"""

import sys
from pathlib import Path

from common import ROOT, setup_django


def main() -> None:
    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.db import connection, transaction

    from portal.text import fold
    from procedures.models import Procedure, Status
    from procedures.search import procedure_search, query_words, search_index_reset
    from tests.procedures.test_search import QUERIES

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    published = Procedure.objects.filter(status=Status.PUBLISHED).exclude(source="bench generator")

    def trigram(query: str) -> list[str]:
        folded = " ".join(query_words(query)) or fold(query)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM procedures_procedure WHERE id = ANY(%s) "
                "ORDER BY word_similarity(%s, name_folded) DESC, length(name) LIMIT 3",
                [list(published.values_list("pk", flat=True)), folded],
            )
            return [row[0] for row in cursor.fetchall()]

    def full_text(query: str) -> list[str]:
        folded = " ".join(query_words(query)) or fold(query)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM procedures_procedure WHERE id = ANY(%s) "
                "AND to_tsvector('simple', name_folded) @@ plainto_tsquery('simple', %s) "
                "ORDER BY ts_rank(to_tsvector('simple', name_folded), "
                "plainto_tsquery('simple', %s)) DESC, length(name) LIMIT 3",
                [list(published.values_list("pk", flat=True)), folded, folded],
            )
            return [row[0] for row in cursor.fetchall()]

    def ours(query: str) -> list[str]:
        return [hit.name for hit in procedure_search(query=query, limit=3)]

    rankers = {"in-memory (ours)": ours, "pg_trgm word_similarity": trigram, "full-text": full_text}
    print(f"{published.count()} seed procedures, {len(QUERIES)} real queries")
    with transaction.atomic():
        # bench/procedures.py may have added generated variants: hide them, then undo.
        Procedure.objects.filter(source="bench generator").update(status=Status.DRAFT)
        search_index_reset()
        for label, rank in rankers.items():
            top1 = top3 = 0
            for query, expected in QUERIES:
                names = rank(query)
                top1 += bool(names) and names[0].startswith(expected)
                top3 += any(name.startswith(expected) for name in names)
            print(f"{label:<26} top 1: {top1}/{len(QUERIES)}   top 3: {top3}/{len(QUERIES)}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
