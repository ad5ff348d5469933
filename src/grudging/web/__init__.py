"""The dashboard: a Dash app over the chain, the scenario schema and a sweep store.

``grudging serve`` builds it with :func:`grudging.web.app.create_app`. The dashboard holds no model
logic: it calls :func:`grudging.chain.simulate`, :func:`grudging.options.plan_option`, the
conference and the bargain, and draws with :mod:`grudging.report.figures`. Callbacks are plain
functions in :mod:`grudging.web.callbacks`; files are read only inside the folders it was started
with (:mod:`grudging.web.files`).
"""
