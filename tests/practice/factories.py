"""factory_boy factories for practice: check questions."""

import factory

from tests.lessons.factories import PublishedLessonFactory


class CheckQuestionFactory(factory.django.DjangoModelFactory):
    """A live, hand-written check question with one right answer ("right") and one wrong answer ("wrong")."""

    class Meta:
        model = "practice.CheckQuestion"
        skip_postgeneration_save = True

    lesson = factory.SubFactory(PublishedLessonFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    origin = "hand"
    status = "live"

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        if not create:
            return
        obj.choices.create(text="wrong", is_correct=False, explanation="Not this one.", position=1)
        obj.choices.create(text="right", is_correct=True, explanation="This is what the lesson shows.", position=2)
