"""Welcome-bonus rows keyed on the canonical spelling of their mailbox (unquoted local part, IDNA domain), so a later
sign-up with another spelling of a mailbox already paid finds its row.

Safe to run on any data, and twice: only the address column of rows whose spelling changes is written; erased rows
(a digest) are left alone; when two rows' spellings meet (the very case the rule closes), the oldest row takes the
canonical spelling and the others keep theirs, which still refuses those spellings. No ledger entry is touched.
Reversing changes nothing: the canonical spelling is a valid key for the old rule too.
"""

from django.db import migrations


def addresses_canonicalise(apps, schema_editor):
    # The live rule, on purpose: this brings rows to the spelling the service looks for now.
    from credits.services.signup_bonus import signup_bonus_address

    SignupBonus = apps.get_model("credits", "SignupBonus")
    taken = set(SignupBonus.objects.values_list("address", flat=True))
    rows = SignupBonus.objects.exclude(address__startswith="erased:").exclude(address__startswith="digest:")
    for pk, address in rows.order_by("pk").values_list("pk", "address").iterator():
        canonical = signup_bonus_address(address)
        if canonical == address or canonical in taken:
            continue
        SignupBonus.objects.filter(pk=pk).update(address=canonical)
        taken.add(canonical)


class Migration(migrations.Migration):
    dependencies = [("credits", "0007_wallet_entry_count")]

    operations = [migrations.RunPython(addresses_canonicalise, migrations.RunPython.noop, elidable=True)]
