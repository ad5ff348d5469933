"""Reports: self-contained HTML (and PDF where a renderer is present) of a run of the chain."""
