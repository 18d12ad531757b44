"""The seed lesson as the tests expect it: its description (the demo data's copy of the seed page) and its chapters."""

from lessons.demo_data import SEED_DESCRIPTION

# The chapters a reader sees on the seed page: (start in seconds, title). The last title is cut off on the page too.
SEED_CHAPTERS = (
    (0, "Intro"),
    (77, "What “loops” in AI actually mean"),
    (304, "Self-improvement as the next chapter of machine learning"),
    (452, "Are Karpathy’s autoresearch agents an early form of AI self-improvement?"),
    (536, "AI building AI: how close are we?"),
    (602, "The biggest bottlenecks: evals, automation, and long horizons"),
    (756, "Can formal verification unlock recursive self-improvement?"),
    (846, "What is model collapse?"),
    (933, "Generalization vs specialization in AI"),
    (1084, "What is a specialized model today?"),
    (1257, "Could top AI rese"),
)

__all__ = ["SEED_CHAPTERS", "SEED_DESCRIPTION"]
