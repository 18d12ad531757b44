"""The labelled set bench/suggestions.py measures the suggestion threshold on: items a feed might bring, each with
the demo category a curator would file it under, or None for an item that belongs in no category of an AI catalog.

Titles are real papers, talks and posts; the one-line texts are written for this set. None of them is in the demo
catalog the classifier is trained on.
"""

from __future__ import annotations

# (title, text, expected category slug or None)
ITEMS: tuple[tuple[str, str, str | None], ...] = (
    # Foundations
    (
        "Long Short-Term Memory",
        "A recurrent network with gated memory cells that keeps gradients from vanishing over long sequences.",
        "foundations",
    ),
    (
        "ImageNet Classification with Deep Convolutional Neural Networks",
        "A deep convolutional network trained on GPUs with ReLU units and dropout wins an image benchmark.",
        "foundations",
    ),
    (
        "Layer Normalization",
        "Normalising the summed inputs of a layer over its units, not over the batch, stabilises training of "
        "recurrent networks.",
        "foundations",
    ),
    (
        "GloVe: Global Vectors for Word Representation",
        "Word vectors learned from global co-occurrence counts, so that differences between vectors capture analogies.",
        "foundations",
    ),
    (
        "Backpropagation, intuitively | Deep learning chapter 3",
        "How a neural network learns: gradient descent and the chain rule push each weight to lower the loss.",
        "foundations",
    ),
    # Research papers explained
    (
        "RoBERTa: A Robustly Optimized BERT Pretraining Approach",
        "Training BERT longer on more data with dynamic masking and without next-sentence prediction beats later "
        "pre-training methods.",
        "research-papers-explained",
    ),
    (
        "Transformer-XL: Attentive Language Models Beyond a Fixed-Length Context",
        "A transformer with segment-level recurrence and relative positional encodings attends past a fixed context.",
        "research-papers-explained",
    ),
    (
        "Masked Autoencoders Are Scalable Vision Learners",
        "Masking most patches of an image and reconstructing them pre-trains vision transformers efficiently.",
        "research-papers-explained",
    ),
    (
        "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators",
        "A discriminator learns to spot replaced tokens, which pre-trains a language understanding encoder with less "
        "compute than masked language modelling.",
        "research-papers-explained",
    ),
    # Scaling and training
    (
        "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        "Partitioning optimizer states, gradients and parameters across data-parallel workers trains very large "
        "models without running out of memory.",
        "scaling-training",
    ),
    (
        "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism",
        "Splitting each transformer layer across GPUs trains language models with billions of parameters efficiently.",
        "scaling-training",
    ),
    (
        "Mixtral of Experts",
        "A sparse mixture-of-experts language model where a router picks two experts per token, so inference uses a "
        "fraction of the parameters.",
        "scaling-training",
    ),
    (
        "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
        "Quantizing a large language model's weights to 4 bits after training with little loss, so it fits on one GPU.",
        "scaling-training",
    ),
    # Agents and reasoning
    (
        "Voyager: An Open-Ended Embodied Agent with Large Language Models",
        "A language model agent writes and stores code skills to explore Minecraft, planning with an automatic "
        "curriculum and tool use.",
        "agents-reasoning",
    ),
    (
        "Program of Thoughts Prompting",
        "A language model writes a program for the reasoning steps of a math problem and an interpreter computes "
        "the answer.",
        "agents-reasoning",
    ),
    (
        "Least-to-Most Prompting Enables Complex Reasoning in Large Language Models",
        "Breaking a problem into simpler sub-questions and solving them in order lets prompting generalise to harder "
        "reasoning tasks.",
        "agents-reasoning",
    ),
    (
        "SWE-agent: Agent-Computer Interfaces Enable Automated Software Engineering",
        "A language model agent with tools to browse, edit and test a repository fixes real GitHub issues.",
        "agents-reasoning",
    ),
    # Alignment and safety
    (
        "Red Teaming Language Models with Language Models",
        "One language model writes test questions that make another produce harmful answers, finding failures "
        "before deployment.",
        "alignment-safety",
    ),
    (
        "Concrete Problems in AI Safety",
        "Accidents in machine learning systems: avoiding side effects, reward hacking, scalable oversight, safe "
        "exploration.",
        "alignment-safety",
    ),
    (
        "Scalable Oversight with AI Debate",
        "Two models argue for opposite answers and a human judge rewards honesty, aligning models on tasks humans "
        "cannot check alone with human feedback.",
        "alignment-safety",
    ),
    # Podcasts and interviews
    (
        "Ilya Sutskever: Deep Learning | Lex Fridman Podcast #94",
        "A conversation about deep learning, language models, AGI and the early days of OpenAI, with the podcast's "
        "guest.",
        "podcasts-interviews",
    ),
    # Off-topic: nothing an AI catalog files
    (
        "10 habits of highly productive remote workers",
        "Time-blocking your calendar, a tidy desk and a morning walk help you focus and get more done each week.",
        None,
    ),
    (
        "The best sourdough bread you will ever bake",
        "Feed your starter, fold the dough every half hour and bake in a hot Dutch oven for a crisp crust.",
        None,
    ),
    (
        "How to pay off your credit card debt faster",
        "List your debts, pay the highest interest rate first and set up automatic payments to stay on track.",
        None,
    ),
    (
        "Marathon training for beginners: a 16-week plan",
        "Build weekly mileage slowly, add one long run on Sundays and rest well before race day.",
        None,
    ),
    (
        "Growing tomatoes on a balcony",
        "Pick a sunny spot, a deep pot and water every morning; pinch the side shoots for bigger fruit.",
        None,
    ),
    (
        "Inbox zero in 2026: my email workflow",
        "Archive, snooze and three folders: how I keep my inbox empty and answer every message within a day.",
        None,
    ),
    (
        "A weekend in Lisbon on a budget",
        "Trams, pastel de nata and free museum Sundays: where to stay, eat and walk in three days.",
        None,
    ),
    (
        "Why you should stretch before you run",
        "Warm muscles are less likely to strain; five minutes of dynamic stretches before a jog is enough.",
        None,
    ),
    (
        "The history of the Roman aqueducts",
        "How Roman engineers carried water across valleys with arches and gentle slopes over hundreds of kilometres.",
        None,
    ),
    (
        "Notion vs Obsidian: which note app should you use?",
        "Comparing two note-taking apps on sync, plugins, price and offline use for personal knowledge management.",
        None,
    ),
    (
        "Negotiating your salary: scripts that work",
        "Anchor high, talk about the value you bring and never accept the first offer on the phone.",
        None,
    ),
    (
        "Sleep better tonight: a guide to sleep hygiene",
        "Dark room, no screens an hour before bed, the same wake-up time every day and less coffee after noon.",
        None,
    ),
    (
        "Minimalist wardrobe: 30 pieces for a year",
        "Choose neutral colours that match, buy fewer and better clothes, and donate what you have not worn.",
        None,
    ),
    (
        "Our company offsite: what we learned",
        "Team building, a shared roadmap and better meetings: notes from three days in the mountains with the team.",
        None,
    ),
)
