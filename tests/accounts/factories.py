"""factory_boy factories for accounts: learners and staff, with a verified address unless told otherwise.

The welcome bonus is not given by default: ask for it with `UserFactory(signup_bonus=True)`, so a test that counts
credits states where every one of them came from.
"""

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Learner {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        """Users made by tests have a verified primary email unless they ask otherwise (verified=False)."""
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def signup_bonus(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        """signup_bonus=True: the learner also got the welcome bonus, as confirming their address gives it in the
        product (credits/signals.py). Declared after `verified`, so it runs after it."""
        if create and extracted:
            from credits.services import signup_bonus_grant  # imported late: credits sits above accounts

            signup_bonus_grant(user=obj)


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True
