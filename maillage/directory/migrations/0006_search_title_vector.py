"""PostgreSQL: the title of the search documents gets its own tsvector and GIN index.

The directory search ranks the organisations whose name matches first; finding them through
the weight-A lexemes of the whole-document vector means reading every matching document, so
the title is indexed on its own. Nothing to do on SQLite, where FTS5 filters on its column.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE directory_searchdocument ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('public.french_unaccent'::regconfig, title)
    ) STORED""",
    "CREATE INDEX directory_search_title_gin ON directory_searchdocument USING gin (title_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_search_title_gin",
    "ALTER TABLE directory_searchdocument DROP COLUMN IF EXISTS title_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_search_reach_and_place_indexes"),
    ]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
