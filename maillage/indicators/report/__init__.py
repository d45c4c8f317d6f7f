"""The published report « Démocratie et travail » and the jobs toward 100,000.

Pure modules (no Django), fed plain numbers so that anyone can recompute a published figure:

* :mod:`.measures` — what is pooled: for each indicator, the numerator and denominator one
  cooperative contributes (from its validated form and its employees' survey answers);
* :mod:`.build` — the report: every indicator pooled by territory, sector and size band, each
  cell decided by :mod:`maillage.indicators.disclosure` *before* it enters the report, national
  references, and the associations between democratic practice and work outcomes;
* :mod:`.jobs` — cooperative jobs and cooperatives by year, territory and sector against the
  movement's target, with the same secrecy and a year-to-year difference rule;
* :mod:`.charts` — matplotlib SVG charts drawn from published figures only.

The Django side (reading the database, publishing a snapshot, pages) is in
:mod:`maillage.indicators.selectors`, :mod:`maillage.indicators.services` and
:mod:`.views`.
"""
