"""Amounts of money in minor units (as Stripe counts them) shown the way a buyer reads a price."""

# Currencies whose smallest unit is the unit itself: Stripe takes ¥500 as 500, not 50000.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)
SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£", "jpy": "¥"}


def money_display(amount: int, currency: str) -> str:
    """499 eur → "€4.99"; 500 jpy → "¥500"; 1250 chf → "12.50 CHF"."""
    code = currency.lower()
    figure = f"{amount:,}" if code in ZERO_DECIMAL_CURRENCIES else f"{amount // 100:,}.{amount % 100:02d}"
    symbol = SYMBOLS.get(code)
    return f"{symbol}{figure}" if symbol else f"{figure} {code.upper()}"
