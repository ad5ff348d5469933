"""Evidence: back-tests against held-out history, published findings, the scoreboard."""
