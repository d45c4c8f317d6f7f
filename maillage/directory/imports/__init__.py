"""Imports into the directory: the INSEE SIRENE stock files and the unions' member lists.

Entry points: ``sirene.sirene_import`` and ``members.members_import`` (management commands
``import_sirene`` and ``import_members``). See docs/imports.md.
"""
