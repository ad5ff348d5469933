"""The chain: one module per stage, each a pure function of plain data."""
