"""What every app shares, at the bottom of the house: the page caches, rate limits, htmx answers, sign-in redirects."""
