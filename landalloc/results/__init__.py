"""A solve in plan terms (Result) and the files a run writes."""
