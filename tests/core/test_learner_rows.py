"""The writes through a LearnerRowsQuerySet drop their learners' pages without costing more than they must: an update
whose filter names the learner asks nobody whose rows they are; any other still asks, and drops every one."""

import pytest
from django.db.models import Q
from django.utils import timezone

from core.learner_pages import learner_version
from gamification.models import LearnerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles():
    users = [UserFactory(), UserFactory()]
    for user in users:
        LearnerProfile.objects.get_or_create(user=user)
    return users


def test_an_update_filtered_by_its_learner_is_one_query_and_drops_only_their_pages(profiles, django_assert_num_queries):
    learner, other = profiles
    before, other_before = learner_version(learner.pk), learner_version(other.pk)

    with django_assert_num_queries(1):  # the UPDATE alone: no SELECT DISTINCT of whose rows these are
        assert LearnerProfile.objects.filter(user=learner).update(updated_at=timezone.now()) == 1
    assert learner_version(learner.pk) != before
    assert learner_version(other.pk) == other_before

    before = learner_version(learner.pk)
    with django_assert_num_queries(1):
        LearnerProfile.objects.filter(user_id__in=[learner.pk], xp__gte=0).update(updated_at=timezone.now())
    assert learner_version(learner.pk) != before


def test_an_update_whose_filter_does_not_name_the_learner_still_finds_them(profiles, django_assert_num_queries):
    first, second = profiles
    before = {user.pk: learner_version(user.pk) for user in profiles}

    with django_assert_num_queries(2):  # whose rows (one SELECT), then the UPDATE
        LearnerProfile.objects.filter(Q(user=first) | Q(user=second)).update(updated_at=timezone.now())
    assert all(learner_version(pk) != version for pk, version in before.items())

    before = {user.pk: learner_version(user.pk) for user in profiles}
    LearnerProfile.objects.exclude(user=first).update(updated_at=timezone.now())
    assert learner_version(second.pk) != before[second.pk]
