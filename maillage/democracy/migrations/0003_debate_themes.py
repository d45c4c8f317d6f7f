"""The themes of the exchanges of practices, as the congress of 20 November 2025 named them."""

from django.db import migrations

from maillage.democracy.debate_themes import THEMES



def create_themes(apps, schema_editor):
    DebateTheme = apps.get_model("democracy", "DebateTheme")
    for position, (slug, name, description) in enumerate(THEMES, start=1):
        DebateTheme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def delete_themes(apps, schema_editor):
    DebateTheme = apps.get_model("democracy", "DebateTheme")
    DebateTheme.objects.filter(slug__in=[slug for slug, _n, _d in THEMES], threads=None).delete()


class Migration(migrations.Migration):
    dependencies = [("democracy", "0002_bodies_consent_debates_letter")]

    operations = [migrations.RunPython(create_themes, delete_themes)]
