"""factory_boy factories for purchases: packs of ⚡ for sale."""

import factory


class CreditPackFactory(factory.django.DjangoModelFactory):
    """An active pack: ⚡100 for €4.99 unless told otherwise."""

    class Meta:
        model = "purchases.CreditPack"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"pack-{n}")
    name = factory.Sequence(lambda n: f"Pack {n}")
    credits = 100
    price = 499
    currency = "eur"
    active = True
    order = factory.Sequence(lambda n: n)
