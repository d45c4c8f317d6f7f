"""Search documents and vocabulary, and the full-text index over them (per database).

SQLite: an FTS5 table over directory_searchdocument (external content), kept in sync by
triggers, with prefix indexes for the prefix queries the search makes.
PostgreSQL: a `french_unaccent` text search configuration (unaccent, then French stemming),
a generated tsvector column (title weighted A, body B) and a GIN index on it.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE directory_search_fts USING fts5(
        title, body,
        content='directory_searchdocument', content_rowid='organisation_id',
        tokenize='unicode61 remove_diacritics 2', prefix='3 4 5'
    )""",
    """CREATE TRIGGER directory_search_fts_ai AFTER INSERT ON directory_searchdocument BEGIN
        INSERT INTO directory_search_fts(rowid, title, body)
        VALUES (new.organisation_id, new.title, new.body);
    END""",
    """CREATE TRIGGER directory_search_fts_ad AFTER DELETE ON directory_searchdocument BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, title, body)
        VALUES ('delete', old.organisation_id, old.title, old.body);
    END""",
    """CREATE TRIGGER directory_search_fts_au AFTER UPDATE ON directory_searchdocument BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, title, body)
        VALUES ('delete', old.organisation_id, old.title, old.body);
        INSERT INTO directory_search_fts(rowid, title, body)
        VALUES (new.organisation_id, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_search_fts_au",
    "DROP TRIGGER IF EXISTS directory_search_fts_ad",
    "DROP TRIGGER IF EXISTS directory_search_fts_ai",
    "DROP TABLE IF EXISTS directory_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);
            ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    """ALTER TABLE directory_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('public.french_unaccent'::regconfig, title), 'A')
        || setweight(to_tsvector('public.french_unaccent'::regconfig, body), 'B')
    ) STORED""",
    "CREATE INDEX directory_search_vector_gin ON directory_searchdocument USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_search_vector_gin",
    "ALTER TABLE directory_searchdocument DROP COLUMN IF EXISTS vector",
    # The configuration and the extension may serve others: they are left in place.
]


# Indexes the search needs on other tables, kept out of the model state on purpose so that
# this migration stays the only one to touch them (the lead may move them into Meta later).
COMMON_FORWARD = [
    "CREATE INDEX directory_org_search_name ON directory_organisation (name)",
    "CREATE INDEX directory_org_search_published ON directory_organisation (is_published)",
    "CREATE INDEX directory_offer_search_mode ON directory_offer (zone_mode, is_active, organisation_id)",
]
COMMON_BACKWARD = [
    "DROP INDEX IF EXISTS directory_org_search_name",
    "DROP INDEX IF EXISTS directory_org_search_published",
    "DROP INDEX IF EXISTS directory_offer_search_mode",
]
SQLITE_FORWARD = COMMON_FORWARD + SQLITE_FORWARD
SQLITE_BACKWARD = COMMON_BACKWARD + SQLITE_BACKWARD
POSTGRES_FORWARD = COMMON_FORWARD + POSTGRES_FORWARD
POSTGRES_BACKWARD = COMMON_BACKWARD + POSTGRES_BACKWARD


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


forward = _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})
backward = _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0002_offers_establishments_entrepreneurs'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='directory.organisation')),
                ('title', models.TextField(blank=True)),
                ('body', models.TextField(blank=True)),
            ],
            options={
                'verbose_name': 'document de recherche',
                'verbose_name_plural': 'documents de recherche',
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('length', models.PositiveSmallIntegerField()),
                ('frequency', models.PositiveIntegerField(default=1)),
            ],
            options={
                'verbose_name': 'mot indexé',
                'verbose_name_plural': 'mots indexés',
                'indexes': [models.Index(fields=['length', 'word'], name='search_word_length_idx')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
