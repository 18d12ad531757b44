"""World-shaped lesson material for the generation tests: the kinds of text sources and curators really bring."""
# ruff: noqa: E501 - sentences of material read best on one line each

from __future__ import annotations

from practice.generation.offline import CatalogTerm
from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION  # noqa: F401 - re-exported for the tests
from tutor.backends import ChapterMaterial, LessonMaterial

# Other lessons of a catalog: their key terms (some they are about) and their sentences about them.
CATALOG = (
    CatalogTerm(
        "Low-Rank Adaptation",
        "low rank adaptation",
        "LoRA",
        "Low-Rank Adaptation (LoRA) freezes the pre-trained weights and learns a pair of small matrices.",
        True,
    ),
    CatalogTerm(
        "LoRA", "lora", "LoRA", "LoRA freezes the pre-trained weights and learns a pair of small matrices.", True
    ),
    CatalogTerm(
        "Batch Normalization",
        "batch normalization",
        "Batch Normalization",
        "Batch Normalization normalises each layer's inputs over the mini-batch so training can use higher learning rates.",
        True,
    ),
    CatalogTerm(
        "Dropout",
        "dropout",
        "Dropout",
        "Dropout randomly switches off units during training so the network cannot rely on any one of them.",
        True,
    ),
    CatalogTerm(
        "Proximal Policy Optimization",
        "proximal policy optimization",
        "PPO",
        "Proximal Policy Optimization (PPO) clips each policy update so a step never moves too far.",
        True,
    ),
    CatalogTerm(
        "PPO", "ppo", "PPO", "PPO clips each policy update so a step never moves too far from the old policy.", True
    ),
    CatalogTerm(
        "Retrieval-Augmented Generation",
        "retrieval augmented generation",
        "RAG",
        "Retrieval-Augmented Generation (RAG) combines a retriever with a generator that reads what it found.",
        True,
    ),
    CatalogTerm(
        "RAG",
        "rag",
        "RAG",
        "RAG combines a retriever over a document index with a generator that reads the passages it found.",
        True,
    ),
    CatalogTerm(
        "Elastic Weight Consolidation",
        "elastic weight consolidation",
        "Catastrophic forgetting",
        "Elastic Weight Consolidation slows learning on the weights that mattered most for earlier tasks.",
        False,
    ),
    CatalogTerm(
        "Adam",
        "adam",
        "Adam",
        "Adam keeps running averages of each gradient and its square to set a step size per parameter.",
        True,
    ),
    CatalogTerm(
        "Mixture of Experts",
        "mixture of expert",
        "Outrageously large networks",
        "A Mixture of Experts layer routes each token to a few of many expert networks.",
        True,
    ),
    CatalogTerm(
        "word2vec", "word2vec", "word2vec", "word2vec learns a vector for each word from the words around it.", True
    ),
)


def material(**fields: object) -> LessonMaterial:
    values: dict[str, object] = {
        "title": "A lesson",
        "source_name": "Tests",
        "level": "Beginner",
        "category": "Research",
        "url": "https://www.youtube.com/watch?v=abc123",
        "description": "",
        "chapters": (),
        "transcript": "",
        "related": (),
    }
    values.update(fields)
    return LessonMaterial(**values)  # type: ignore[arg-type]


def chapters(*rows: tuple[int, str]) -> tuple[ChapterMaterial, ...]:
    return tuple(
        ChapterMaterial(start, title, f"https://www.youtube.com/watch?v=abc123&t={start}s") for start, title in rows
    )


TOPICS = (
    (
        "Vision Transformers",
        "The Vision Transformer (ViT) cuts an image into patches and reads them as a sequence of tokens.",
    ),
    (
        "attention heads",
        "Each of the attention heads looks at every patch and weighs how much it matters to the others.",
    ),
    ("positional embeddings", "Learned positional embeddings tell the encoder where each patch sat in the image."),
    (
        "pre-training data",
        "With enough pre-training data the plain transformer beats convolutional networks on image benchmarks.",
    ),
    ("fine-tuning", "After pre-training, fine-tuning on a small labelled set adapts the model to a new task quickly."),
    (
        "model collapse",
        "Model collapse is what happens when models are trained on the output of earlier models for generations.",
    ),
)


def long_transcript(hours: int = 3) -> tuple[str, tuple[ChapterMaterial, ...]]:
    """A WebVTT transcript of `hours` hours of speech (a cue every 5 s) and a chapter per half hour."""
    cues = ["WEBVTT", ""]
    seconds = 0
    sentence = 0
    while seconds < hours * 3600:
        topic, text = TOPICS[(seconds // 1800) % len(TOPICS)]
        filler = f"So, um, that is point number {sentence} about {topic.lower()}, right."
        line = text if sentence % 7 == 0 else filler
        start = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"
        end_seconds = seconds + 5
        end = f"{end_seconds // 3600:02d}:{end_seconds // 60 % 60:02d}:{end_seconds % 60:02d}.000"
        cues += [f"{start} --> {end}", line, ""]
        seconds += 5
        sentence += 1
    titles = [f"Part {n + 1}: {TOPICS[n % len(TOPICS)][0]}" for n in range(hours * 2)]
    return "\n".join(cues), chapters(*((n * 1800, title) for n, title in enumerate(titles)))


ARTICLE = """# Why Vision Transformers work

The Vision Transformer (ViT) treats an image as a sequence of patches, each embedded like a word.

## Patches and positions

An image is cut into 16×16 patches, and learned positional embeddings keep track of where each patch came from.
The class token gathers what the encoder learned about the whole image.

## Scale

With enough pre-training data the plain transformer matches or beats the best convolutional networks.
Smaller datasets favour convolutions, whose inductive biases make up for missing data.
"""

ABSTRACT = (
    "We present Low-Latency Speculative Decoding (LLSD), which lets a small draft model propose several tokens that a "
    "large target model verifies in one pass. Unlike beam search, LLSD keeps the target model's output distribution "
    "exactly. On the Massive Multitask Language Understanding (MMLU) benchmark, LLSD doubles decoding speed with no "
    "loss in accuracy. Key-Value Caching (KVC) of the draft model's states keeps its overhead small."
)

HTML_DESCRIPTION = (
    "<p>In this episode we discuss <b>Reinforcement Learning from Human Feedback</b> (RLHF) &amp; why reward "
    "models drift.</p><p>Reward hacking is when a policy finds a way to score well without doing the task.<br/>"
    "The guests explain how KL penalties keep the policy close to the original model.</p>"
)

NON_ASCII = (
    "Die Aufmerksamkeit (attention) gewichtet jedes Wort nach seiner Bedeutung für die anderen Wörter im Satz. "
    "Schrödinger-style thought experiments about naïve Bayes classifiers appear in the second half of the café talk. "
    "自己注意 (self-attention) は文中のすべての単語を互いに比較します。 The Transformateur Universel (TU) reuses one "
    "block of weights at every step."
)
