"""A local Stripe for tests: localstripe plus Checkout Sessions, signed webhooks and a hosted pay page."""
