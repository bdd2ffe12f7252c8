"""`make bench`: one JSON line per figure, each with a baseline measured in the same run."""
