"""Practice's writes, by subject. Callers import from here."""

from practice.services.cards import check_card_record

__all__ = ["check_card_record"]
