"""The economy: prices, the welcome bonus, how long an unlock's credits stay held, and Stripe (docs/economy.md)."""

from config.settings.base import env

# Their names are a contract with operators (README.md, docs/economy.md). A question's price: config/settings/tutor.py.
UNLOCK_PRICE = env.int("UNLOCK_PRICE", default=30)
SIGNUP_BONUS = env.int("SIGNUP_BONUS", default=60)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Credits set aside for an unlock go back to the learner when nothing captured them within this many seconds.
CREDITS_HOLD_TTL_SECONDS = env.int("CREDITS_HOLD_TTL_SECONDS", default=1800)

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).
