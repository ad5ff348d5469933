"""A library of past stabilization and peace operations as minimal cases, and how they are scored.

Each case (``library/*.yaml``) is a minimal scenario (:mod:`grudging.scenario.minimal`) with a
source per field and the recorded outcome; :mod:`grudging.cases.scoring` holds the scores and the
naive forecasts, :mod:`grudging.cases.runner` the model's forecast. The coding rules and the
scoring protocol were fixed first, in ``docs/design-notes/cases.md``.
"""
