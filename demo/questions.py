"""Check questions for a few demo lessons, as plain data: each answer is stated in the lesson's own description."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoChoice:
    text: str
    correct: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class DemoQuestion:
    lesson_slug: str
    prompt: str
    choices: tuple[DemoChoice, ...]


DEMO_QUESTIONS: tuple[DemoQuestion, ...] = (
    DemoQuestion(
        lesson_slug="ai-is-already-building-ai-mostafa-dehghani",
        prompt="Which frontier does the episode single out as next, because today's models are “frozen”?",
        choices=(
            DemoChoice(
                "Continual learning",
                correct=True,
                explanation="The description calls continual learning "
                "the next massive frontier, because today's models stop learning once trained.",
            ),
            DemoChoice(
                "Bigger pre-training runs",
                explanation="The episode talks about a shift from pre-training "
                "towards post-training, not about bigger pre-training.",
            ),
            DemoChoice("Faster GPUs", explanation="Hardware is not what the description names as the next frontier."),
        ),
    ),
    DemoQuestion(
        lesson_slug="attention-is-all-you-need",
        prompt="What does the Transformer replace with self-attention?",
        choices=(
            DemoChoice(
                "Recurrence",
                correct=True,
                explanation="The lesson explains that the transformer drops "
                "recurrence and relies on self-attention, which lets it train in parallel.",
            ),
            DemoChoice(
                "Feed-forward layers", explanation="The transformer keeps feed-forward layers beside attention."
            ),
            DemoChoice("Word embeddings", explanation="Tokens are still embedded; positional encodings add order."),
        ),
    ),
    DemoQuestion(
        lesson_slug="chain-of-thought-prompting",
        prompt="What do chain-of-thought prompts show the model before it answers?",
        choices=(
            DemoChoice(
                "Worked examples with intermediate reasoning steps",
                correct=True,
                explanation="The prompts include exemplars that spell out the steps between question and answer.",
            ),
            DemoChoice("Only the final answers", explanation="That is ordinary few-shot prompting."),
            DemoChoice("The model's own weights", explanation="Prompting changes no weights."),
        ),
    ),
)
