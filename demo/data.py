"""The demo catalog as plain data: categories, sources, lessons, courses and two users, read by ``load_demo``.

Every work listed here is real: titles, authors, arXiv ids and dates are those of the published paper (the date is
its first arXiv version), and the summaries and descriptions are our own words. Where we do not know a link into a
work for certain, the link is a real search or listing URL that leads to it, never a guessed id (the seed
lesson's YouTube video id is its real one). Items copied from the seed page (its related lessons and its "Up next")
keep the seed's wording; the seed shows no date for them, so they are dated like the seed lesson, relative to "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BEGINNER = "Beginner"
INTERMEDIATE = "Intermediate"
ADVANCED = "Advanced"
LEVELS = (BEGINNER, INTERMEDIATE, ADVANCED)


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    icon: str


@dataclass(frozen=True)
class DemoSource:
    name: str
    kind: str  # youtube | podcast | article | paper | url, as in lessons.sources
    url: str = ""


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    authors: str  # authors or speakers, as credited; "" when the seed page does not say
    source: str  # a DemoSource name
    kind: str
    external_url: str
    level: str
    category: str  # a DemoCategory slug
    summary: str  # the one-line "Learn …" shown in lists
    description: str
    duration_minutes: int  # reading or listening estimate
    # Exactly one of the two dates is set: a real publication date, or an age relative to the day the demo is loaded.
    published_on: date | None = None
    published_days_ago: int | None = None
    related: tuple[str, ...] = ()  # curated related lesson slugs, in order
    up_next: str = ""  # a lesson slug, when curated
    up_next_why: str = ""


@dataclass(frozen=True)
class DemoCourse:
    title: str
    slug: str
    description: str
    level: str
    lessons: tuple[str, ...]  # lesson slugs, in course order


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    display_name: str
    is_staff: bool = False
    is_superuser: bool = False


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(name="Research Papers Explained", slug="research-papers-explained", icon="📄"),
    DemoCategory(name="Podcasts & Interviews", slug="podcasts-interviews", icon="🎙️"),
    DemoCategory(name="Foundations", slug="foundations", icon="🧠"),
    DemoCategory(name="Agents & Reasoning", slug="agents-reasoning", icon="🤖"),
    DemoCategory(name="Scaling & Training", slug="scaling-training", icon="📐"),
    DemoCategory(name="Alignment & Safety", slug="alignment-safety", icon="🛡️"),
)

SOURCES: tuple[DemoSource, ...] = (
    DemoSource(
        name="The MAD Podcast with Matt Turck",
        kind="podcast",
        url="https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724",
    ),
    DemoSource(name="Medium · LLM", kind="article", url="https://medium.com/tag/llm"),
    DemoSource(name="Medium · AI", kind="article", url="https://medium.com/tag/artificial-intelligence"),
    DemoSource(name="Dev.to AI", kind="article", url="https://dev.to/t/ai"),
    DemoSource(name="ArXiv cs.AI", kind="paper", url="https://arxiv.org/list/cs.AI/recent"),
    DemoSource(name="ArXiv cs.LG", kind="paper", url="https://arxiv.org/list/cs.LG/recent"),
    DemoSource(name="ArXiv cs.CL", kind="paper", url="https://arxiv.org/list/cs.CL/recent"),
    DemoSource(name="ArXiv cs.CV", kind="paper", url="https://arxiv.org/list/cs.CV/recent"),
    DemoSource(name="JMLR", kind="paper", url="https://jmlr.org/"),
    DemoSource(name="Microsoft Research", kind="youtube", url="https://www.microsoft.com/en-us/research/"),
    DemoSource(name="Andrej Karpathy", kind="youtube", url="https://karpathy.ai/"),
    DemoSource(name="Lex Fridman Podcast", kind="podcast", url="https://lexfridman.com/podcast/"),
    DemoSource(name="3Blue1Brown", kind="youtube", url="https://www.3blue1brown.com/"),
)

# The seed lesson's description, character for character as on the seed page (including the non-breaking spaces
# before some of its links). Its chapters are parsed out of it.
SEED_DESCRIPTION = (
    "Are we truly on the verge of AI automating its own research and development? In this deep-dive "
    "episode of the MAD Podcast, Matt Turck sits down with Mostafa Dehghani, a pioneering AI researcher "
    "at Google DeepMind whose work on Universal Transformers and Vision Transformers (ViT) helped lay the "
    "groundwork for today's frontier models. Moving past the hype, Mostafa breaks down the actual "
    'mechanics of "thinking in loops" and Recursive Self-Improvement (RSI). He explores the critical '
    "bottlenecks holding back true AGI—from evaluation limits and formal verification to the brutal math "
    "of long-horizon reliability. Mostafa and Matt also discuss the shift from pre-training to "
    "post-training, how Gemini's Nano Banana 2 processes pixels and text simultaneously, and why the "
    '"frozen" nature of today\'s models means Continual Learning is the next massive frontier for '
    "enterprise AI and data pipelines. Mostafa Dehghani LinkedIn "
    "-\xa0https://www.linkedin.com/in/dehghani-mostafa X/Twitter - https://x.com/m__dehghani Google DeepMind "
    "Website -\xa0https://deepmind.google X/Twitter - https://x.com/GoogleDeepMind Matt Turck (Managing "
    "Director) Blog - https://mattturck.com LinkedIn -\xa0https://www.linkedin.com/in/turck/ X/Twitter "
    "-\xa0https://x.com/mattturck FirstMark Website -\xa0https://firstmark.com X/Twitter - "
    "https://x.com/FirstMarkCap Listen on: Spotify - https://open.spotify.com/show/7yLATDSaFvgJG80ACcRJtq "
    "Apple - https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724 00:00 "
    "Intro 01:17 What “loops” in AI actually mean 05:04 Self-improvement as the next chapter of machine "
    "learning 07:32 Are Karpathy’s autoresearch agents an early form of AI self-improvement? 08:56 AI "
    "building AI: how close are we? 10:02 The biggest bottlenecks: evals, automation, and long horizons "
    "12:36 Can formal verification unlock recursive self-improvement? 14:06 What is model collapse? 15:33 "
    "Generalization vs specialization in AI 18:04 What is a specialized model today? 20:57 Could top AI "
    "rese"
)

SEED_SLUG = "ai-is-already-building-ai-mostafa-dehghani"


def _youtube_search(query: str) -> str:
    """A YouTube search for a video whose id we do not know for certain: a real URL that leads to it."""
    return "https://www.youtube.com/results?search_query=" + "+".join(query.split())


SEED_LESSON = DemoLesson(
    slug=SEED_SLUG,
    title="AI is Already Building AI — Google DeepMind’s Mostafa Dehghani",
    authors="Matt Turck, Mostafa Dehghani",
    source="The MAD Podcast with Matt Turck",
    kind="youtube",
    # The episode's own YouTube video (its id is in the seed page's address), so chapters open it at their second.
    external_url="https://www.youtube.com/watch?v=Bo19sXssYXI",
    level=BEGINNER,
    category="research-papers-explained",
    summary=(
        "Learn where AI stands on automating its own research, and what still holds recursive self-improvement back"
    ),
    description=SEED_DESCRIPTION,
    duration_minutes=60,  # an estimate: the chapters run past 20:57 and the list is cut off there
    published_days_ago=30,  # the seed page says "1mo ago"
    related=(
        "abcs-of-reading-medical-research-papers",
        "devlog-meta-research-tab-chaos",
        "karpathy-style-wiki-for-your-research-field",
        "non-optimality-of-scientific-knowledge",
    ),
    up_next="microsoft-research-forum-season-2-episode-4",
    up_next_why="Next in “AI Building AI”: researchers at another industrial lab present where their work is heading.",
)

# The seed page's related lessons and "Up next": titles, one-line summaries and source lines exactly as shown there.
# The seed gives no links, authors or dates for them, so the links are real searches for their titles.
SEED_NEIGHBOURS: tuple[DemoLesson, ...] = (
    DemoLesson(
        slug="abcs-of-reading-medical-research-papers",
        title="The ABCs of reading medical research and review papers these days",
        authors="",
        source="Medium · LLM",
        kind="article",
        external_url="https://medium.com/search?q=The+ABCs+of+reading+medical+research+and+review+papers+these+days",
        level=BEGINNER,
        category="research-papers-explained",
        summary=(
            "Learn to critically evaluate medical research papers by accepting nothing at face value, believing no "
            "one blindly, and checking everything"
        ),
        description=(
            "An article on reading medical research and review papers with a critical eye. Its rule of thumb: accept "
            "nothing at face value, believe no one blindly, and check everything yourself."
        ),
        duration_minutes=8,
        published_days_ago=30,
    ),
    DemoLesson(
        slug="devlog-meta-research-tab-chaos",
        title="#1 DevLog Meta-research: I Got Tired of Tab Chaos While Reading Research Papers.",
        authors="",
        source="Dev.to AI",
        kind="article",
        external_url="https://dev.to/search?q=DevLog+Meta-research+Tab+Chaos+Reading+Research+Papers",
        level=BEGINNER,
        category="research-papers-explained",
        summary=(
            "Learn to manage research paper tabs efficiently and apply meta-research techniques to improve productivity"
        ),
        description=(
            "The first entry of a developer's log about the tab chaos that comes with reading many research papers "
            "at once, and about organising that reading so it stays productive."
        ),
        duration_minutes=6,
        published_days_ago=30,
    ),
    DemoLesson(
        slug="karpathy-style-wiki-for-your-research-field",
        title="How to Set Up a Karpathy-Style Wiki for Your Research Field",
        authors="",
        source="Medium · AI",
        kind="article",
        external_url="https://medium.com/search?q=How+to+Set+Up+a+Karpathy-Style+Wiki+for+Your+Research+Field",
        level=BEGINNER,
        category="research-papers-explained",
        summary=(
            "Learn to set up a Karpathy-style wiki for your research field to organize and share knowledge effectively"
        ),
        description=(
            "A how-to for keeping a personal wiki of a research field in the style Andrej Karpathy has described, "
            "so that what you read is organised and easy to share."
        ),
        duration_minutes=8,
        published_days_ago=30,
    ),
    DemoLesson(
        slug="non-optimality-of-scientific-knowledge",
        title=("The Non-Optimality of Scientific Knowledge: Path Dependence, Lock-In, and The Local Minimum Trap"),
        authors="",
        source="ArXiv cs.AI",
        kind="paper",
        external_url=(
            "https://arxiv.org/search/?query=The+Non-Optimality+of+Scientific+Knowledge+Path+Dependence&searchtype=all"
        ),
        level=INTERMEDIATE,
        category="research-papers-explained",
        # The seed page's own line, which (unlike the others) does not start with "Learn".
        summary=(
            "Scientific knowledge may be stuck in a local minimum, hindering optimal progress, and understanding this "
            "concept is crucial for advancing research"
        ),
        description=(
            "A paper arguing that the body of scientific knowledge can settle in a local minimum: early choices "
            "create path dependence and lock-in that keep research from better alternatives."
        ),
        duration_minutes=30,
        published_days_ago=30,
    ),
    DemoLesson(
        slug="microsoft-research-forum-season-2-episode-4",
        title="Microsoft Research Forum | Season 2, Episode 4",
        authors="Microsoft Research",
        source="Microsoft Research",
        kind="youtube",
        external_url=_youtube_search("Microsoft Research Forum Season 2 Episode 4"),
        level=BEGINNER,
        category="podcasts-interviews",
        summary="Learn what Microsoft researchers are working on, in their own words",
        description=(
            "An episode of Microsoft Research Forum, the series in which Microsoft researchers present and discuss "
            "their recent work. It follows the seed lesson as its “Up next”."
        ),
        duration_minutes=60,
        published_days_ago=30,
    ),
)


def _arxiv(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


LESSONS: tuple[DemoLesson, ...] = (
    # Foundations: the building blocks the transformer era rests on.
    DemoLesson(
        slug="word2vec-efficient-estimation-of-word-representations",
        title="Efficient Estimation of Word Representations in Vector Space",
        authors="Tomas Mikolov, Kai Chen, Greg Corrado, Jeffrey Dean",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1301.3781"),
        level=BEGINNER,
        category="foundations",
        published_on=date(2013, 1, 16),
        duration_minutes=25,
        summary="Learn how word2vec turns words into vectors whose geometry captures meaning",
        description=(
            "The word2vec paper proposes two light architectures, continuous bag-of-words and skip-gram, that learn "
            "word vectors from very large corpora cheaply. The vectors support analogy arithmetic such as king − man "
            "+ woman ≈ queen, which made dense embeddings a standard first layer of NLP systems."
        ),
    ),
    DemoLesson(
        slug="sequence-to-sequence-learning",
        title="Sequence to Sequence Learning with Neural Networks",
        authors="Ilya Sutskever, Oriol Vinyals, Quoc V. Le",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1409.3215"),
        level=BEGINNER,
        category="foundations",
        published_on=date(2014, 9, 10),
        duration_minutes=30,
        summary="Learn how an encoder LSTM and a decoder LSTM map one sequence to another",
        description=(
            "One LSTM reads the input sentence into a fixed-size vector and a second LSTM writes the output sentence "
            "from it. Trained end to end on English-to-French translation, it beat a strong phrase-based "
            "statistical baseline, and reversing the source sentence's word order made learning markedly easier."
        ),
        related=("neural-machine-translation-align-and-translate", "attention-is-all-you-need"),
    ),
    DemoLesson(
        slug="neural-machine-translation-align-and-translate",
        title="Neural Machine Translation by Jointly Learning to Align and Translate",
        authors="Dzmitry Bahdanau, Kyunghyun Cho, Yoshua Bengio",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1409.0473"),
        level=INTERMEDIATE,
        category="foundations",
        published_on=date(2014, 9, 1),
        duration_minutes=35,
        summary="Learn where attention came from: letting a decoder look back at every input word",
        description=(
            "Instead of squeezing a whole sentence into one vector, the decoder learns a soft alignment over the "
            "encoder's states and takes a weighted average of them at every output step. This is the attention "
            "mechanism that later became the core of the transformer."
        ),
        related=("sequence-to-sequence-learning", "attention-is-all-you-need"),
    ),
    DemoLesson(
        slug="adam-a-method-for-stochastic-optimization",
        title="Adam: A Method for Stochastic Optimization",
        authors="Diederik P. Kingma, Jimmy Ba",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1412.6980"),
        level=INTERMEDIATE,
        category="foundations",
        published_on=date(2014, 12, 22),
        duration_minutes=30,
        summary="Learn how Adam adapts each parameter's step size from running moments of its gradients",
        description=(
            "Adam keeps exponential moving averages of the gradient and of its square, corrects their bias towards "
            "zero early in training, and scales each parameter's update by them. It needs little tuning, which is "
            "why it (and its variant AdamW) trains most deep networks today."
        ),
    ),
    DemoLesson(
        slug="batch-normalization",
        title="Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift",
        authors="Sergey Ioffe, Christian Szegedy",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1502.03167"),
        level=INTERMEDIATE,
        category="foundations",
        published_on=date(2015, 2, 11),
        duration_minutes=30,
        summary="Learn how normalising activations over a mini-batch lets deep networks train faster",
        description=(
            "Batch normalization standardises each layer's inputs using the mean and variance of the current "
            "mini-batch, then applies a learned scale and shift. It allowed much higher learning rates and fewer "
            "training steps on ImageNet classifiers, and it also acts as a mild regulariser."
        ),
    ),
    DemoLesson(
        slug="dropout-prevent-overfitting",
        title="Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
        authors="Nitish Srivastava, Geoffrey Hinton, Alex Krizhevsky, Ilya Sutskever, Ruslan Salakhutdinov",
        source="JMLR",
        kind="paper",
        external_url="https://jmlr.org/papers/v15/srivastava14a.html",
        level=BEGINNER,
        category="foundations",
        published_on=date(2014, 6, 1),  # JMLR volume 15 gives the month (June 2014), not the day
        duration_minutes=45,
        summary="Learn why randomly switching off units during training makes networks generalise better",
        description=(
            "During training, dropout removes each unit at random with some probability, so the network cannot rely "
            "on fragile co-adaptations between units. At test time the full network is used with scaled weights, "
            "which approximates averaging a huge ensemble of thinned networks."
        ),
    ),
    DemoLesson(
        slug="deep-residual-learning",
        title="Deep Residual Learning for Image Recognition",
        authors="Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
        source="ArXiv cs.CV",
        kind="paper",
        external_url=_arxiv("1512.03385"),
        level=BEGINNER,
        category="foundations",
        published_on=date(2015, 12, 10),
        duration_minutes=35,
        summary="Learn how skip connections made networks with a hundred layers and more trainable",
        description=(
            "ResNets let each block learn a residual that is added to its input through an identity shortcut. That "
            "simple change removed the degradation seen when plain networks got deeper, won ImageNet 2015 with a "
            "152-layer model, and made residual connections a fixture of later architectures, transformers included."
        ),
    ),
    DemoLesson(
        slug="but-what-is-a-neural-network",
        title="But what is a neural network? | Deep learning chapter 1",
        authors="Grant Sanderson",
        source="3Blue1Brown",
        kind="youtube",
        external_url=_youtube_search("3Blue1Brown But what is a neural network Deep learning chapter 1"),
        level=BEGINNER,
        category="foundations",
        published_on=date(2017, 10, 5),
        duration_minutes=19,
        summary="Learn what the neurons, layers, weights and biases of a network are, drawn out visually",
        description=(
            "The first video of 3Blue1Brown's deep learning series builds a small network that recognises "
            "handwritten digits and explains, with animations, what its neurons, layers, weights and biases do. "
            "No prior machine learning is assumed."
        ),
    ),
    # Transformers and what grew from them.
    DemoLesson(
        slug="attention-is-all-you-need",
        title="Attention Is All You Need",
        authors=(
            "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, Łukasz Kaiser, "
            "Illia Polosukhin"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1706.03762"),
        level=BEGINNER,
        category="research-papers-explained",
        published_on=date(2017, 6, 12),
        duration_minutes=40,
        summary="Learn how the transformer replaces recurrence with self-attention",
        description=(
            "This paper introduces the transformer, an encoder-decoder built only from multi-head self-attention and "
            "feed-forward layers, with positional encodings standing in for word order. Dropping recurrence lets "
            "training run in parallel, and the model set new machine translation results at a fraction of the "
            "training cost of earlier systems."
        ),
        related=("bert-pre-training-deep-bidirectional-transformers", "universal-transformers", "lets-build-gpt"),
    ),
    DemoLesson(
        slug="universal-transformers",
        title="Universal Transformers",
        authors="Mostafa Dehghani, Stephan Gouws, Oriol Vinyals, Jakob Uszkoreit, Łukasz Kaiser",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1807.03819"),
        level=ADVANCED,
        category="research-papers-explained",
        published_on=date(2018, 7, 10),
        duration_minutes=40,
        summary="Learn how applying one transformer block over and over, in a loop, adds recurrence in depth",
        description=(
            "The Universal Transformer applies the same self-attention block repeatedly, refining every position's "
            "representation step after step, and can use adaptive computation time to decide per position when to "
            "stop. It generalises better than a standard transformer on algorithmic and reasoning tasks; it is the "
            '"thinking in loops" idea Mostafa Dehghani discusses in the seed lesson.'
        ),
        related=(SEED_SLUG, "attention-is-all-you-need", "an-image-is-worth-16x16-words"),
    ),
    DemoLesson(
        slug="bert-pre-training-deep-bidirectional-transformers",
        title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        authors="Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("1810.04805"),
        level=INTERMEDIATE,
        category="research-papers-explained",
        published_on=date(2018, 10, 11),
        duration_minutes=35,
        summary="Learn how masked-word pre-training gives one encoder that fine-tunes to many tasks",
        description=(
            "BERT pre-trains a transformer encoder to fill in masked words and to tell whether two sentences follow "
            "each other, so every layer sees context from both sides. Adding one output layer and fine-tuning was "
            "then enough to lead benchmarks such as GLUE and SQuAD."
        ),
        related=("attention-is-all-you-need", "t5-unified-text-to-text-transformer"),
    ),
    DemoLesson(
        slug="t5-unified-text-to-text-transformer",
        title="Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
        authors=(
            "Colin Raffel, Noam Shazeer, Adam Roberts, Katherine Lee, Sharan Narang, Michael Matena, Yanqi Zhou, "
            "Wei Li, Peter J. Liu"
        ),
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1910.10683"),
        level=INTERMEDIATE,
        category="research-papers-explained",
        published_on=date(2019, 10, 23),
        duration_minutes=90,
        summary="Learn how casting every NLP task as text in, text out makes transfer learning easy to compare",
        description=(
            "T5 treats translation, summarisation, classification and question answering alike: text goes in, text "
            "comes out. With that common frame the authors compare objectives, architectures, data sets and scales "
            "systematically, and release the C4 corpus and models up to 11 billion parameters."
        ),
    ),
    DemoLesson(
        slug="language-models-are-few-shot-learners",
        title="Language Models are Few-Shot Learners",
        authors="Tom B. Brown, Benjamin Mann, Nick Ryder, Melanie Subbiah, Jared Kaplan, et al.",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2005.14165"),
        level=BEGINNER,
        category="research-papers-explained",
        published_on=date(2020, 5, 28),
        duration_minutes=60,
        summary="Learn how GPT-3 performs new tasks from a few examples in its prompt, without fine-tuning",
        description=(
            "GPT-3 is a 175-billion-parameter autoregressive language model evaluated without any gradient updates: "
            "the task is described, and a few examples shown, in the prompt. Few-shot performance grows with scale "
            "and is competitive with fine-tuned systems on several tasks; the paper also discusses its limits and "
            "its risks of misuse."
        ),
        related=("scaling-laws-for-neural-language-models", "training-language-models-to-follow-instructions"),
    ),
    DemoLesson(
        slug="an-image-is-worth-16x16-words",
        title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        authors=(
            "Alexey Dosovitskiy, Lucas Beyer, Alexander Kolesnikov, Dirk Weissenborn, Xiaohua Zhai, Thomas "
            "Unterthiner, Mostafa Dehghani, Matthias Minderer, Georg Heigold, Sylvain Gelly, Jakob Uszkoreit, "
            "Neil Houlsby"
        ),
        source="ArXiv cs.CV",
        kind="paper",
        external_url=_arxiv("2010.11929"),
        level=INTERMEDIATE,
        category="research-papers-explained",
        published_on=date(2020, 10, 22),
        duration_minutes=40,
        summary="Learn how the Vision Transformer reads an image as a sequence of patches",
        description=(
            "ViT cuts an image into 16×16 patches, embeds each one like a word and feeds the sequence to a plain "
            "transformer encoder. With enough pre-training data it matches or beats strong convolutional networks "
            "on image classification while costing less compute to train."
        ),
        related=("scaling-vision-transformers-to-22-billion-parameters", "universal-transformers", SEED_SLUG),
    ),
    DemoLesson(
        slug="lets-build-gpt",
        title="Let's build GPT: from scratch, in code, spelled out.",
        authors="Andrej Karpathy",
        source="Andrej Karpathy",
        kind="youtube",
        external_url="https://www.youtube.com/watch?v=kCc8FmEb1nY",
        level=INTERMEDIATE,
        category="foundations",
        published_on=date(2023, 1, 17),
        duration_minutes=116,
        summary="Learn how a GPT works by writing a small one yourself, line by line, in PyTorch",
        description=(
            "Andrej Karpathy builds a character-level GPT in PyTorch from an empty file, trained on Shakespeare: "
            "a bigram baseline first, then self-attention, multi-head attention, feed-forward layers, residual "
            "connections and layer normalisation. He closes by relating the toy model to how ChatGPT is trained."
        ),
        related=("attention-is-all-you-need", "language-models-are-few-shot-learners"),
    ),
    # Scaling and training.
    DemoLesson(
        slug="outrageously-large-neural-networks-mixture-of-experts",
        title="Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer",
        authors="Noam Shazeer, Azalia Mirhoseini, Krzysztof Maziarz, Andy Davis, Quoc Le, Geoffrey Hinton, Jeff Dean",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1701.06538"),
        level=ADVANCED,
        category="scaling-training",
        published_on=date(2017, 1, 23),
        duration_minutes=40,
        summary="Learn how a gating network sends each input to a few experts out of thousands",
        description=(
            "A trainable gate picks a few expert feed-forward networks for each example, so capacity can grow to "
            "billions of parameters while the compute per example stays nearly constant. Applied between LSTM "
            "layers, it improved language modelling and translation at lower cost."
        ),
        related=("switch-transformers",),
    ),
    DemoLesson(
        slug="scaling-laws-for-neural-language-models",
        title="Scaling Laws for Neural Language Models",
        authors=(
            "Jared Kaplan, Sam McCandlish, Tom Henighan, Tom B. Brown, Benjamin Chess, Rewon Child, Scott Gray, "
            "Alec Radford, Jeffrey Wu, Dario Amodei"
        ),
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2001.08361"),
        level=INTERMEDIATE,
        category="scaling-training",
        published_on=date(2020, 1, 23),
        duration_minutes=45,
        summary="Learn how language model loss falls as a power law in parameters, data and compute",
        description=(
            "Across several orders of magnitude, test loss follows smooth power laws in model size, data set size "
            "and training compute, while architectural details such as depth versus width matter little. The fits "
            "suggested that, for a fixed compute budget, it pays to train very large models and stop before they "
            "converge."
        ),
        related=("training-compute-optimal-large-language-models", "language-models-are-few-shot-learners"),
    ),
    DemoLesson(
        slug="switch-transformers",
        title="Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity",
        authors="William Fedus, Barret Zoph, Noam Shazeer",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2101.03961"),
        level=ADVANCED,
        category="scaling-training",
        published_on=date(2021, 1, 11),
        duration_minutes=50,
        summary="Learn how routing each token to a single expert simplifies mixture-of-experts transformers",
        description=(
            "Switch Transformers route every token to just one expert feed-forward network, which simplifies "
            "mixture-of-experts routing and cuts its communication cost. With careful initialisation and "
            "lower-precision training they pre-train several times faster than dense T5 models of equal compute "
            "and scale to over a trillion parameters."
        ),
        related=("outrageously-large-neural-networks-mixture-of-experts", "t5-unified-text-to-text-transformer"),
    ),
    DemoLesson(
        slug="lora-low-rank-adaptation",
        title="LoRA: Low-Rank Adaptation of Large Language Models",
        authors=(
            "Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2106.09685"),
        level=INTERMEDIATE,
        category="scaling-training",
        published_on=date(2021, 6, 17),
        duration_minutes=35,
        summary="Learn how to fine-tune a large model by training small low-rank matrices beside frozen weights",
        description=(
            "LoRA freezes the pre-trained weights and learns, for chosen layers, a pair of small matrices whose "
            "product is added to the frozen weight. Far fewer parameters are trained and stored per task, no latency "
            "is added at inference once the update is merged, and quality matches full fine-tuning on the models "
            "tested."
        ),
        related=("qlora-efficient-finetuning-of-quantized-llms",),
    ),
    DemoLesson(
        slug="training-compute-optimal-large-language-models",
        title="Training Compute-Optimal Large Language Models",
        authors="Jordan Hoffmann, Sebastian Borgeaud, Arthur Mensch, Elena Buchatskaya, Trevor Cai, et al.",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2203.15556"),
        level=INTERMEDIATE,
        category="scaling-training",
        published_on=date(2022, 3, 29),
        duration_minutes=45,
        summary="Learn why model size and training tokens should grow together, the Chinchilla result",
        description=(
            "By training hundreds of models, the authors find that for a fixed compute budget parameters and "
            "training tokens should be scaled in equal proportion, so many large models of the time were "
            "under-trained. Chinchilla, with 70 billion parameters trained on about 1.4 trillion tokens, outperforms "
            "the much larger Gopher on the same compute."
        ),
        related=("scaling-laws-for-neural-language-models", "llama-open-and-efficient-foundation-language-models"),
    ),
    DemoLesson(
        slug="flashattention",
        title="FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
        authors="Tri Dao, Daniel Y. Fu, Stefano Ermon, Atri Rudra, Christopher Ré",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2205.14135"),
        level=ADVANCED,
        category="scaling-training",
        published_on=date(2022, 5, 27),
        duration_minutes=45,
        summary="Learn how tiling attention to fit in fast GPU memory makes exact attention faster",
        description=(
            "FlashAttention computes exact attention block by block in on-chip SRAM and never writes the full "
            "attention matrix to GPU high-bandwidth memory, recomputing what it needs in the backward pass. Fewer "
            "memory reads and writes give real wall-clock speed-ups and memory that grows linearly with sequence "
            "length."
        ),
    ),
    DemoLesson(
        slug="llama-open-and-efficient-foundation-language-models",
        title="LLaMA: Open and Efficient Foundation Language Models",
        authors="Hugo Touvron, Thibaut Lavril, Gautier Izacard, Xavier Martinet, et al.",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2302.13971"),
        level=BEGINNER,
        category="scaling-training",
        published_on=date(2023, 2, 27),
        duration_minutes=35,
        summary="Learn how smaller models trained on more public data can rival much larger ones",
        description=(
            "LLaMA is a family of language models from 7 to 65 billion parameters trained only on publicly "
            "available data, for more tokens than compute-optimal recipes suggest so that inference stays cheap. "
            "The 13B model outperforms GPT-3 on most benchmarks reported, and the weights were released to "
            "researchers."
        ),
        related=("training-compute-optimal-large-language-models", "qlora-efficient-finetuning-of-quantized-llms"),
    ),
    DemoLesson(
        slug="scaling-vision-transformers-to-22-billion-parameters",
        title="Scaling Vision Transformers to 22 Billion Parameters",
        authors="Mostafa Dehghani, Josip Djolonga, Basil Mustafa, Piotr Padlewski, Jonathan Heek, et al.",
        source="ArXiv cs.CV",
        kind="paper",
        external_url=_arxiv("2302.05442"),
        level=ADVANCED,
        category="scaling-training",
        published_on=date(2023, 2, 10),
        duration_minutes=45,
        summary="Learn which changes keep a 22-billion-parameter Vision Transformer stable and efficient to train",
        description=(
            "The authors train ViT-22B, a Vision Transformer of 22 billion parameters, and describe the changes "
            "that made it stable and efficient, such as normalising queries and keys and running the attention and "
            "MLP blocks in parallel. They report how its performance improves with scale across a range of vision "
            "tasks."
        ),
        related=("an-image-is-worth-16x16-words", SEED_SLUG),
    ),
    DemoLesson(
        slug="qlora-efficient-finetuning-of-quantized-llms",
        title="QLoRA: Efficient Finetuning of Quantized LLMs",
        authors="Tim Dettmers, Artidoro Pagnoni, Ari Holtzman, Luke Zettlemoyer",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2305.14314"),
        level=ADVANCED,
        category="scaling-training",
        published_on=date(2023, 5, 23),
        duration_minutes=40,
        summary="Learn how to fine-tune a 65B model on one GPU with 4-bit weights and LoRA adapters",
        description=(
            "QLoRA back-propagates through a frozen model quantised to 4 bits into LoRA adapters, using a 4-bit "
            "NormalFloat data type, double quantisation and paged optimisers to save memory. That brings fine-tuning "
            "a 65-billion-parameter model within reach of a single 48 GB GPU; the resulting Guanaco models are "
            "evaluated as chat assistants."
        ),
        related=("lora-low-rank-adaptation",),
    ),
    # Reasoning and agents.
    DemoLesson(
        slug="training-verifiers-to-solve-math-word-problems",
        title="Training Verifiers to Solve Math Word Problems",
        authors="Karl Cobbe, Vineet Kosaraju, Mohammad Bavarian, Mark Chen, Heewoo Jun, et al.",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2110.14168"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2021, 10, 27),
        duration_minutes=35,
        summary="Learn how a trained verifier that ranks sampled solutions beats fine-tuning alone on math problems",
        description=(
            "This paper introduces GSM8K, a data set of grade-school math word problems with worked solutions. It "
            "shows that sampling many candidate solutions and letting a trained verifier pick the best improves "
            "accuracy more than scaling up fine-tuning does."
        ),
        related=("lets-verify-step-by-step",),
    ),
    DemoLesson(
        slug="chain-of-thought-prompting",
        title="Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        authors=(
            "Jason Wei, Xuezhi Wang, Dale Schuurmans, Maarten Bosma, Brian Ichter, Fei Xia, Ed Chi, Quoc Le, Denny Zhou"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2201.11903"),
        level=BEGINNER,
        category="agents-reasoning",
        published_on=date(2022, 1, 28),
        duration_minutes=35,
        summary="Learn how showing worked reasoning steps in a prompt improves multi-step answers",
        description=(
            "Giving a large model a few examples whose answers spell out intermediate reasoning steps makes it "
            "write its own steps before answering. The gains on arithmetic, commonsense and symbolic reasoning "
            "appear only in sufficiently large models."
        ),
        related=("self-consistency-chain-of-thought", "large-language-models-are-zero-shot-reasoners"),
    ),
    DemoLesson(
        slug="self-consistency-chain-of-thought",
        title="Self-Consistency Improves Chain of Thought Reasoning in Language Models",
        authors=(
            "Xuezhi Wang, Jason Wei, Dale Schuurmans, Quoc Le, Ed Chi, Sharan Narang, Aakanksha Chowdhery, Denny Zhou"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2203.11171"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2022, 3, 21),
        duration_minutes=30,
        summary="Learn how sampling several reasoning paths and taking a majority vote makes answers more reliable",
        description=(
            "Rather than decoding a single chain of thought greedily, self-consistency samples many reasoning paths "
            "and returns the answer they most often agree on. This simple change improves accuracy on arithmetic "
            "and commonsense benchmarks considerably."
        ),
        related=("chain-of-thought-prompting", "tree-of-thoughts"),
    ),
    DemoLesson(
        slug="large-language-models-are-zero-shot-reasoners",
        title="Large Language Models are Zero-Shot Reasoners",
        authors="Takeshi Kojima, Shixiang Shane Gu, Machel Reid, Yutaka Matsuo, Yusuke Iwasawa",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2205.11916"),
        level=BEGINNER,
        category="agents-reasoning",
        published_on=date(2022, 5, 24),
        duration_minutes=25,
        summary="Learn how adding “Let's think step by step” to a prompt elicits reasoning without examples",
        description=(
            'Adding the phrase "Let\'s think step by step" before the answer, with no worked examples at all, makes '
            "large models reason aloud and lifts their zero-shot accuracy on arithmetic and logic tasks by wide "
            "margins. A second prompt then extracts the final answer from the generated reasoning."
        ),
        related=("chain-of-thought-prompting",),
    ),
    DemoLesson(
        slug="react-synergizing-reasoning-and-acting",
        title="ReAct: Synergizing Reasoning and Acting in Language Models",
        authors="Shunyu Yao, Jeffrey Zhao, Dian Yu, Nan Du, Izhak Shafran, Karthik Narasimhan, Yuan Cao",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2210.03629"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2022, 10, 6),
        duration_minutes=40,
        summary="Learn how interleaving thoughts with tool actions grounds an agent's reasoning",
        description=(
            "ReAct prompts a model to alternate between reasoning traces and actions, such as searching Wikipedia, "
            "and to read each observation before its next thought. Grounding reasoning in retrieved facts reduces "
            "hallucination in question answering and fact checking, and the approach also does well on interactive "
            "tasks such as ALFWorld and WebShop."
        ),
        related=("toolformer", "reflexion-language-agents", "chain-of-thought-prompting"),
    ),
    DemoLesson(
        slug="toolformer",
        title="Toolformer: Language Models Can Teach Themselves to Use Tools",
        authors=(
            "Timo Schick, Jane Dwivedi-Yu, Roberto Dessì, Roberta Raileanu, Maria Lomeli, Luke Zettlemoyer, "
            "Nicola Cancedda, Thomas Scialom"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2302.04761"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2023, 2, 9),
        duration_minutes=35,
        summary="Learn how a model can label its own training data with useful API calls",
        description=(
            "Toolformer has a language model propose API calls (a calculator, a search engine, a translator, a "
            "calendar) inside ordinary text, keeps only the calls whose results make the following text easier to "
            "predict, and fine-tunes on them. The model learns when and how to call tools with very little human "
            "annotation."
        ),
        related=("react-synergizing-reasoning-and-acting",),
    ),
    DemoLesson(
        slug="reflexion-language-agents",
        title="Reflexion: Language Agents with Verbal Reinforcement Learning",
        authors="Noah Shinn, Federico Cassano, Edward Berman, Ashwin Gopinath, Karthik Narasimhan, Shunyu Yao",
        source="ArXiv cs.AI",
        kind="paper",
        external_url=_arxiv("2303.11366"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2023, 3, 20),
        duration_minutes=35,
        summary="Learn how agents improve across attempts by writing reflections on their failures into memory",
        description=(
            "After a failed attempt, a Reflexion agent writes a short verbal reflection on what went wrong, keeps it "
            "in memory and reads it on the next try; no weights are updated. This self-feedback loop improves "
            "results on decision-making, reasoning and code-generation tasks."
        ),
        related=("react-synergizing-reasoning-and-acting", "tree-of-thoughts"),
    ),
    DemoLesson(
        slug="generative-agents",
        title="Generative Agents: Interactive Simulacra of Human Behavior",
        authors=(
            "Joon Sung Park, Joseph C. O'Brien, Carrie J. Cai, Meredith Ringel Morris, Percy Liang, Michael S. "
            "Bernstein"
        ),
        source="ArXiv cs.AI",
        kind="paper",
        external_url=_arxiv("2304.03442"),
        level=BEGINNER,
        category="agents-reasoning",
        published_on=date(2023, 4, 7),
        duration_minutes=45,
        summary="Learn how memory, reflection and planning let language-model agents behave believably in a small town",
        description=(
            "Twenty-five agents driven by a language model live in a small simulated town. Each keeps a memory "
            "stream of its experiences, retrieves what is relevant, reflects on it into higher-level conclusions "
            "and plans its day; from this, social behaviour such as spreading invitations to a party emerges."
        ),
    ),
    DemoLesson(
        slug="tree-of-thoughts",
        title="Tree of Thoughts: Deliberate Problem Solving with Large Language Models",
        authors=("Shunyu Yao, Dian Yu, Jeffrey Zhao, Izhak Shafran, Thomas L. Griffiths, Yuan Cao, Karthik Narasimhan"),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2305.10601"),
        level=ADVANCED,
        category="agents-reasoning",
        published_on=date(2023, 5, 17),
        duration_minutes=40,
        summary="Learn how searching over a tree of partial reasoning steps solves problems a single chain cannot",
        description=(
            "Tree of Thoughts lets a model propose several intermediate thoughts, evaluate them itself, and explore "
            "them with breadth- or depth-first search, backtracking when a path looks hopeless. It solves far more "
            "Game of 24 puzzles than chain-of-thought prompting does."
        ),
        related=("self-consistency-chain-of-thought", "chain-of-thought-prompting"),
    ),
    DemoLesson(
        slug="lets-verify-step-by-step",
        title="Let's Verify Step by Step",
        authors=(
            "Hunter Lightman, Vineet Kosaraju, Yura Burda, Harri Edwards, Bowen Baker, Teddy Lee, Jan Leike, "
            "John Schulman, Ilya Sutskever, Karl Cobbe"
        ),
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2305.20050"),
        level=ADVANCED,
        category="agents-reasoning",
        published_on=date(2023, 5, 31),
        duration_minutes=40,
        summary="Learn why rewarding each reasoning step beats rewarding only the final answer",
        description=(
            "The authors compare reward models that judge only a solution's final answer with ones that judge every "
            "step, on the MATH data set. Process supervision trains a markedly more reliable verifier; the paper "
            "releases PRM800K, the 800,000 step-level human labels behind it."
        ),
        related=("training-verifiers-to-solve-math-word-problems", SEED_SLUG),
    ),
    # Alignment.
    DemoLesson(
        slug="deep-reinforcement-learning-from-human-preferences",
        title="Deep Reinforcement Learning from Human Preferences",
        authors="Paul Christiano, Jan Leike, Tom B. Brown, Miljan Martic, Shane Legg, Dario Amodei",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1706.03741"),
        level=INTERMEDIATE,
        category="alignment-safety",
        published_on=date(2017, 6, 12),
        duration_minutes=35,
        summary="Learn how a reward model learned from human comparisons can train an agent",
        description=(
            "Humans compare pairs of short clips of an agent's behaviour; a reward model is fitted to those "
            "preferences and a reinforcement learning agent is trained against it. With feedback on under one "
            "percent of the agent's interactions, it learns Atari games and simulated robot tasks, and even novel "
            "behaviours such as a backflip."
        ),
        related=("training-language-models-to-follow-instructions", "proximal-policy-optimization"),
    ),
    DemoLesson(
        slug="proximal-policy-optimization",
        title="Proximal Policy Optimization Algorithms",
        authors="John Schulman, Filip Wolski, Prafulla Dhariwal, Alec Radford, Oleg Klimov",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1707.06347"),
        level=ADVANCED,
        category="alignment-safety",
        published_on=date(2017, 7, 20),
        duration_minutes=30,
        summary="Learn how PPO's clipped objective keeps policy updates small and training stable",
        description=(
            "PPO alternates between collecting experience and taking several epochs of minibatch gradient steps on "
            "a surrogate objective whose clipping keeps the new policy close to the old one. It keeps much of the "
            "stability of trust-region methods while being simpler to implement, and it later became the usual "
            "optimiser in RLHF."
        ),
    ),
    DemoLesson(
        slug="training-language-models-to-follow-instructions",
        title="Training language models to follow instructions with human feedback",
        authors=("Long Ouyang, Jeff Wu, Xu Jiang, Diogo Almeida, Carroll L. Wainwright, Pamela Mishkin, et al."),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2203.02155"),
        level=INTERMEDIATE,
        category="alignment-safety",
        published_on=date(2022, 3, 4),
        duration_minutes=60,
        summary="Learn the three steps of RLHF behind InstructGPT: demonstrations, a reward model and PPO",
        description=(
            "InstructGPT fine-tunes GPT-3 on demonstrations written by labellers, trains a reward model on their "
            "rankings of model outputs, and optimises the policy against that reward with PPO. Labellers preferred "
            "outputs of the 1.3-billion-parameter InstructGPT to those of the 175-billion-parameter GPT-3."
        ),
        related=(
            "deep-reinforcement-learning-from-human-preferences",
            "direct-preference-optimization",
            "constitutional-ai",
        ),
    ),
    DemoLesson(
        slug="constitutional-ai",
        title="Constitutional AI: Harmlessness from AI Feedback",
        authors="Yuntao Bai, Saurav Kadavath, Sandipan Kundu, Amanda Askell, et al.",
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2212.08073"),
        level=INTERMEDIATE,
        category="alignment-safety",
        published_on=date(2022, 12, 15),
        duration_minutes=50,
        summary="Learn how a written list of principles can replace human labels for harmlessness",
        description=(
            "A model critiques and revises its own answers against a short list of written principles, and is "
            "fine-tuned on the revisions. A reinforcement learning phase then uses AI-generated preferences rather "
            "than human ones for harmlessness, yielding an assistant that is harmless without being evasive."
        ),
        related=("training-language-models-to-follow-instructions", "direct-preference-optimization"),
    ),
    DemoLesson(
        slug="direct-preference-optimization",
        title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
        authors="Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2305.18290"),
        level=ADVANCED,
        category="alignment-safety",
        published_on=date(2023, 5, 29),
        duration_minutes=45,
        summary="Learn how to fit a model to preference pairs directly, without a reward model or RL",
        description=(
            "DPO shows that the RLHF objective with a KL penalty can be rewritten so that the policy itself defines "
            "the reward, which turns preference learning into a simple classification loss on pairs of preferred "
            "and rejected answers. It matches or beats PPO-based RLHF in the experiments reported while being "
            "much simpler to train."
        ),
        related=("training-language-models-to-follow-instructions", "constitutional-ai"),
    ),
    DemoLesson(
        slug="retrieval-augmented-generation",
        title="Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks",
        authors=(
            "Patrick Lewis, Ethan Perez, Aleksandra Piktus, Fabio Petroni, Vladimir Karpukhin, Naman Goyal, "
            "Heinrich Küttler, Mike Lewis, Wen-tau Yih, Tim Rocktäschel, Sebastian Riedel, Douwe Kiela"
        ),
        source="ArXiv cs.CL",
        kind="paper",
        external_url=_arxiv("2005.11401"),
        level=INTERMEDIATE,
        category="agents-reasoning",
        published_on=date(2020, 5, 22),
        duration_minutes=40,
        summary="Learn how pairing a generator with a retriever over Wikipedia grounds answers in documents",
        description=(
            "RAG combines a pre-trained sequence-to-sequence generator with a dense retriever over a Wikipedia "
            "index, and trains the two together, treating the retrieved passages as a latent variable. It set new "
            "results on open-domain question answering and produces more specific, factual text; its knowledge can "
            "be updated by swapping the index."
        ),
        related=("toolformer", "react-synergizing-reasoning-and-acting"),
    ),
    # AI building AI: the threads of the seed interview.
    DemoLesson(
        slug="neural-architecture-search-with-reinforcement-learning",
        title="Neural Architecture Search with Reinforcement Learning",
        authors="Barret Zoph, Quoc V. Le",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1611.01578"),
        level=ADVANCED,
        category="research-papers-explained",
        published_on=date(2016, 11, 5),
        duration_minutes=35,
        summary="Learn how a controller network trained with reinforcement learning designs other networks",
        description=(
            "A recurrent controller writes out descriptions of network architectures, each candidate is trained, "
            "and its validation accuracy is the reward that updates the controller. The convolutional network and "
            "recurrent cell it found rivalled hand-designed ones on CIFAR-10 and Penn Treebank: an early case of "
            "machine learning designing machine learning."
        ),
        related=("the-ai-scientist", SEED_SLUG),
    ),
    DemoLesson(
        slug="overcoming-catastrophic-forgetting",
        title="Overcoming catastrophic forgetting in neural networks",
        authors="James Kirkpatrick, Razvan Pascanu, Neil Rabinowitz, Joel Veness, Guillaume Desjardins, et al.",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("1612.00796"),
        level=ADVANCED,
        category="research-papers-explained",
        published_on=date(2016, 12, 2),
        duration_minutes=35,
        summary="Learn how elastic weight consolidation lets a network learn new tasks without forgetting old ones",
        description=(
            "Elastic weight consolidation slows learning on the weights that mattered most for earlier tasks, "
            "estimating their importance with the Fisher information. Networks trained this way learn tasks in "
            "sequence, such as several Atari games, with much less forgetting: a starting point for the continual "
            "learning the seed interview calls the next frontier."
        ),
        related=(SEED_SLUG,),
    ),
    DemoLesson(
        slug="the-curse-of-recursion",
        title="The Curse of Recursion: Training on Generated Data Makes Models Forget",
        authors="Ilia Shumailov, Zakhar Shumaylov, Yiren Zhao, Yarin Gal, Nicolas Papernot, Ross Anderson",
        source="ArXiv cs.LG",
        kind="paper",
        external_url=_arxiv("2305.17493"),
        level=INTERMEDIATE,
        category="research-papers-explained",
        published_on=date(2023, 5, 27),
        duration_minutes=40,
        summary="Learn what model collapse is and why training on model-generated data causes it",
        description=(
            "When each generation of a model is trained on data produced by the previous one, the tails of the "
            "original distribution disappear and the models drift towards a narrow, distorted picture of the data. "
            "The authors call this model collapse, show it for language models, variational autoencoders and "
            "Gaussian mixtures, and argue that genuine human-generated data keeps its value."
        ),
        related=(SEED_SLUG, "the-ai-scientist"),
    ),
    DemoLesson(
        slug="the-ai-scientist",
        title="The AI Scientist: Towards Fully Automated Open-Ended Scientific Discovery",
        authors="Chris Lu, Cong Lu, Robert Tjarko Lange, Jakob Foerster, Jeff Clune, David Ha",
        source="ArXiv cs.AI",
        kind="paper",
        external_url=_arxiv("2408.06292"),
        level=INTERMEDIATE,
        category="research-papers-explained",
        published_on=date(2024, 8, 12),
        duration_minutes=50,
        summary="Learn how an LLM pipeline generates ideas, runs experiments and writes machine learning papers",
        description=(
            "The AI Scientist chains language models to propose research ideas, write and run the experiment code, "
            "and draft a full paper, which an automated reviewer then scores. The authors apply it to small "
            "machine learning topics at low cost per paper and discuss its failure modes and the ethical questions "
            "it raises."
        ),
        related=(SEED_SLUG, "neural-architecture-search-with-reinforcement-learning", "the-curse-of-recursion"),
    ),
    DemoLesson(
        slug="lex-fridman-podcast-333-andrej-karpathy",
        title="Andrej Karpathy: Tesla AI, Self-Driving, Optimus, Aliens, and AGI | Lex Fridman Podcast #333",
        authors="Lex Fridman, Andrej Karpathy",
        source="Lex Fridman Podcast",
        kind="podcast",
        external_url="https://lexfridman.com/podcast/",
        level=BEGINNER,
        category="podcasts-interviews",
        published_on=date(2022, 10, 29),
        duration_minutes=210,
        summary="Learn how Andrej Karpathy thinks about neural networks, self-driving and the road to AGI",
        description=(
            "A long conversation between Lex Fridman and Andrej Karpathy, recorded after Karpathy left his role "
            "leading AI at Tesla. They talk about neural networks and transformers, Tesla's self-driving and "
            "Optimus work, and where AI is heading. The link opens the podcast's episode list."
        ),
        related=("lets-build-gpt", SEED_SLUG),
    ),
)

ALL_LESSONS: tuple[DemoLesson, ...] = (SEED_LESSON, *SEED_NEIGHBOURS, *LESSONS)

COURSES: tuple[DemoCourse, ...] = (
    DemoCourse(
        title="AI Building AI",
        slug="ai-building-ai",
        description=(
            "Start from the seed interview with Google DeepMind's Mostafa Dehghani, then read the work behind its "
            "questions: machines that design networks, automated research, verifying reasoning, model collapse "
            "and continual learning."
        ),
        level=INTERMEDIATE,  # it opens gently, but half its papers are Advanced
        lessons=(
            SEED_SLUG,
            "microsoft-research-forum-season-2-episode-4",
            "universal-transformers",
            "neural-architecture-search-with-reinforcement-learning",
            "the-ai-scientist",
            "lets-verify-step-by-step",
            "the-curse-of-recursion",
            "overcoming-catastrophic-forgetting",
        ),
    ),
    DemoCourse(
        title="Transformers from the Ground Up",
        slug="transformers-from-the-ground-up",
        description=(
            "From word vectors and sequence-to-sequence models to attention, the transformer, BERT, GPT-3 and the "
            "Vision Transformer, ending with a GPT you build yourself."
        ),
        level=BEGINNER,
        lessons=(
            "but-what-is-a-neural-network",
            "word2vec-efficient-estimation-of-word-representations",
            "sequence-to-sequence-learning",
            "neural-machine-translation-align-and-translate",
            "attention-is-all-you-need",
            "bert-pre-training-deep-bidirectional-transformers",
            "language-models-are-few-shot-learners",
            "an-image-is-worth-16x16-words",
            "lets-build-gpt",
        ),
    ),
    DemoCourse(
        title="Scaling and Training Large Models",
        slug="scaling-and-training-large-models",
        description=(
            "The optimisers and layers that made deep networks trainable, the laws that predict how loss falls "
            "with scale, sparse mixtures of experts, and the tricks that make huge models affordable to train "
            "and fine-tune."
        ),
        level=INTERMEDIATE,
        lessons=(
            "adam-a-method-for-stochastic-optimization",
            "batch-normalization",
            "dropout-prevent-overfitting",
            "deep-residual-learning",
            "scaling-laws-for-neural-language-models",
            "training-compute-optimal-large-language-models",
            "outrageously-large-neural-networks-mixture-of-experts",
            "switch-transformers",
            "flashattention",
            "lora-low-rank-adaptation",
            "qlora-efficient-finetuning-of-quantized-llms",
        ),
    ),
    DemoCourse(
        title="Reasoning and Agents",
        slug="reasoning-and-agents",
        description=(
            "How language models were taught to reason step by step, check their own work, call tools, retrieve "
            "documents and act as agents."
        ),
        level=INTERMEDIATE,
        lessons=(
            "chain-of-thought-prompting",
            "large-language-models-are-zero-shot-reasoners",
            "self-consistency-chain-of-thought",
            "tree-of-thoughts",
            "training-verifiers-to-solve-math-word-problems",
            "retrieval-augmented-generation",
            "react-synergizing-reasoning-and-acting",
            "toolformer",
            "reflexion-language-agents",
            "generative-agents",
        ),
    ),
    DemoCourse(
        title="Aligning Language Models",
        slug="aligning-language-models",
        description=(
            "From learning rewards out of human comparisons to RLHF, Constitutional AI and Direct Preference "
            "Optimization: how models are made to follow instructions and avoid harm."
        ),
        level=ADVANCED,
        lessons=(
            "deep-reinforcement-learning-from-human-preferences",
            "proximal-policy-optimization",
            "training-language-models-to-follow-instructions",
            "constitutional-ai",
            "direct-preference-optimization",
        ),
    ),
)

# Credentials for local demos only (the README states them), hence the S106 exemptions.
USERS: tuple[DemoUser, ...] = (
    DemoUser(email="learner@example.com", password="learn-demo-2026", display_name="Ada Learner"),  # noqa: S106
    DemoUser(
        email="curator@example.com",
        password="curate-demo-2026",  # noqa: S106
        display_name="Cora Curator",
        is_staff=True,
        is_superuser=True,
    ),
)
