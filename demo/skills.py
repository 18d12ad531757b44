"""The demo's skills and how much of each demo lesson is about them (weights 1–100), read by ``load_demo``.

Twelve skills over the 51 demo lessons. The weights are our own judgement of each work: the seed lesson, an
interview about models that improve models, is mostly about reading and discussing ML research.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSkill:
    name: str
    slug: str
    description: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...] = ()  # category slugs whose new lessons get the skill suggested


DEMO_SKILLS: tuple[DemoSkill, ...] = (
    DemoSkill(
        "Reading ML papers",
        "reading-ml-papers",
        "Finding, reading and judging research papers: abstracts, methods, results and their limits.",
        ("paper", "arXiv", "abstract", "peer review", "preprint", "research paper"),
        ("research-papers-explained",),
    ),
    DemoSkill(
        "Research workflow",
        "research-workflow",
        "How researchers keep up, take notes and organise what they read.",
        ("notes", "wiki", "workflow", "meta-research", "reading list"),
    ),
    DemoSkill(
        "Neural network foundations",
        "neural-network-foundations",
        "Neurons, layers, backpropagation, regularisation and the building blocks of deep learning.",
        ("neural network", "backpropagation", "gradient descent", "dropout", "normalization", "residual"),
        ("foundations",),
    ),
    DemoSkill(
        "Optimisation and training",
        "optimisation-and-training",
        "Optimisers, losses, learning rates and what makes training stable.",
        ("optimizer", "optimiser", "Adam", "learning rate", "stochastic gradient", "overfitting"),
    ),
    DemoSkill(
        "Sequence models and embeddings",
        "sequence-models",
        "Word vectors, recurrent encoders and decoders, and translation before and around attention.",
        ("word vector", "embedding", "sequence to sequence", "encoder-decoder", "LSTM", "translation"),
    ),
    DemoSkill(
        "Transformers and attention",
        "transformers",
        "Self-attention, the Transformer and its descendants (BERT, T5, GPT, ViT).",
        ("transformer", "attention", "self-attention", "BERT", "GPT"),
    ),
    DemoSkill(
        "Large language models",
        "large-language-models",
        "Pre-training, prompting and what language models can and cannot do.",
        ("language model", "LLM", "pre-training", "few-shot", "prompt"),
    ),
    DemoSkill(
        "Scaling",
        "scaling",
        "Scaling laws, compute-optimal training, mixture of experts and training at large scale.",
        ("scaling law", "compute-optimal", "mixture of experts", "parameters", "scale"),
        ("scaling-training",),
    ),
    DemoSkill(
        "Efficient fine-tuning and inference",
        "efficient-fine-tuning",
        "Adapting and running big models cheaply: LoRA, quantisation, fast attention kernels.",
        ("LoRA", "fine-tuning", "quantization", "quantisation", "low-rank", "efficient"),
    ),
    DemoSkill(
        "Reasoning and prompting",
        "reasoning",
        "Chain of thought, self-consistency, search over thoughts and verifying steps.",
        ("reasoning", "chain of thought", "chain-of-thought", "verifier", "step by step"),
    ),
    DemoSkill(
        "Agents and tool use",
        "agents",
        "Models that act: tools, memory, reflection and autonomous research agents.",
        ("agent", "tool use", "ReAct", "Toolformer", "autonomous"),
        ("agents-reasoning",),
    ),
    DemoSkill(
        "Alignment and RLHF",
        "alignment",
        "Learning from human preferences, RLHF, constitutional AI and direct preference optimisation.",
        ("alignment", "human feedback", "RLHF", "preference", "reinforcement learning from human"),
        ("alignment-safety",),
    ),
)

_PAPERS = "reading-ml-papers"

# Lesson slug → {skill slug: weight}, heaviest first.
DEMO_LESSON_SKILLS: dict[str, dict[str, int]] = {
    "abcs-of-reading-medical-research-papers": {_PAPERS: 90, "research-workflow": 40},
    "devlog-meta-research-tab-chaos": {"research-workflow": 90, _PAPERS: 50},
    "karpathy-style-wiki-for-your-research-field": {"research-workflow": 90, _PAPERS: 40},
    "non-optimality-of-scientific-knowledge": {"research-workflow": 70, _PAPERS: 50},
    "microsoft-research-forum-season-2-episode-4": {"large-language-models": 60, _PAPERS: 40},
    "word2vec-efficient-estimation-of-word-representations": {"sequence-models": 90, _PAPERS: 40},
    "sequence-to-sequence-learning": {"sequence-models": 90, _PAPERS: 40},
    "neural-machine-translation-align-and-translate": {"sequence-models": 70, "transformers": 50, _PAPERS: 40},
    "adam-a-method-for-stochastic-optimization": {"optimisation-and-training": 90, _PAPERS: 40},
    "batch-normalization": {"neural-network-foundations": 70, "optimisation-and-training": 60},
    "dropout-prevent-overfitting": {"neural-network-foundations": 80, "optimisation-and-training": 50},
    "deep-residual-learning": {"neural-network-foundations": 80, "optimisation-and-training": 40},
    "but-what-is-a-neural-network": {"neural-network-foundations": 100},
    "attention-is-all-you-need": {"transformers": 100, "sequence-models": 40, _PAPERS: 40},
    "universal-transformers": {"transformers": 80, "reasoning": 30, _PAPERS: 40},
    "bert-pre-training-deep-bidirectional-transformers": {"transformers": 80, "large-language-models": 60},
    "t5-unified-text-to-text-transformer": {"transformers": 70, "large-language-models": 60},
    "language-models-are-few-shot-learners": {"large-language-models": 90, "scaling": 50},
    "an-image-is-worth-16x16-words": {"transformers": 80, "scaling": 30},
    "lets-build-gpt": {"transformers": 90, "large-language-models": 60},
    "outrageously-large-neural-networks-mixture-of-experts": {"scaling": 80, "neural-network-foundations": 30},
    "scaling-laws-for-neural-language-models": {"scaling": 100, "large-language-models": 50},
    "switch-transformers": {"scaling": 80, "transformers": 50},
    "lora-low-rank-adaptation": {"efficient-fine-tuning": 100, "large-language-models": 40},
    "training-compute-optimal-large-language-models": {"scaling": 100, "large-language-models": 50},
    "flashattention": {"efficient-fine-tuning": 80, "transformers": 60},
    "llama-open-and-efficient-foundation-language-models": {"large-language-models": 80, "scaling": 50},
    "scaling-vision-transformers-to-22-billion-parameters": {"scaling": 80, "transformers": 60},
    "qlora-efficient-finetuning-of-quantized-llms": {"efficient-fine-tuning": 100, "large-language-models": 40},
    "training-verifiers-to-solve-math-word-problems": {"reasoning": 90, "large-language-models": 40},
    "chain-of-thought-prompting": {"reasoning": 100, "large-language-models": 50},
    "self-consistency-chain-of-thought": {"reasoning": 90, "large-language-models": 40},
    "large-language-models-are-zero-shot-reasoners": {"reasoning": 90, "large-language-models": 50},
    "react-synergizing-reasoning-and-acting": {"agents": 90, "reasoning": 60},
    "toolformer": {"agents": 90, "large-language-models": 50},
    "reflexion-language-agents": {"agents": 90, "reasoning": 50},
    "generative-agents": {"agents": 100},
    "tree-of-thoughts": {"reasoning": 90, "agents": 40},
    "lets-verify-step-by-step": {"reasoning": 80, "alignment": 50},
    "deep-reinforcement-learning-from-human-preferences": {"alignment": 100},
    "proximal-policy-optimization": {"alignment": 60, "optimisation-and-training": 60},
    "training-language-models-to-follow-instructions": {"alignment": 90, "large-language-models": 60},
    "constitutional-ai": {"alignment": 100},
    "direct-preference-optimization": {"alignment": 90, "optimisation-and-training": 40},
    "retrieval-augmented-generation": {"large-language-models": 70, "agents": 40},
    "neural-architecture-search-with-reinforcement-learning": {"neural-network-foundations": 50, _PAPERS: 40},
    "overcoming-catastrophic-forgetting": {"neural-network-foundations": 60, "optimisation-and-training": 50},
    "the-curse-of-recursion": {"large-language-models": 70, _PAPERS: 50},
    "the-ai-scientist": {"agents": 80, "research-workflow": 50},
    "lex-fridman-podcast-333-andrej-karpathy": {"large-language-models": 60, "neural-network-foundations": 40},
    "ai-is-already-building-ai-mostafa-dehghani": {_PAPERS: 90, "transformers": 60, "agents": 40},
}
