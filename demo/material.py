"""The demo catalog's material: short texts, written for this project in its own words, that stand in for the work's
own text (a paper's main ideas) on a few demo lessons, so the tutor has something beyond the description to ground
its explanations and answers on. Facts such as titles, names and years are the papers'; the sentences are ours.
Lessons that ingest real material from their sources get it there instead.
"""

from __future__ import annotations

# Lesson slug -> material (Markdown headings split it into sections the tutor matches to chapters).
DEMO_MATERIAL: dict[str, str] = {
    "universal-transformers": (
        "A Universal Transformer is a transformer that reuses one block of self-attention and a transition function "
        "at every step, so its depth is a loop rather than a fixed stack of different layers.\n"
        "## Recurrence in depth\n"
        "At each step every position of the sequence is refined in parallel, with the same weights as in the step "
        "before. This keeps the parallel speed of a transformer while giving it the bias of a recurrent network, "
        "which repeats one computation as often as it needs.\n"
        "## Adaptive computation time\n"
        "With adaptive computation time, each position decides for itself when its representation is good enough "
        "and stops being updated, so harder parts of the input get more steps than easy ones.\n"
        "## What it is good at\n"
        "On algorithmic tasks such as copying or reversing strings, and on reasoning over short stories, the looped "
        "model generalises to inputs longer than those it was trained on, where a standard transformer fails. "
        "Given enough steps and memory, the authors show that the model is Turing-complete, which a transformer "
        "with a fixed number of layers is not."
    ),
    "an-image-is-worth-16x16-words": (
        "The Vision Transformer (ViT) reads an image the way a language model reads a sentence: as a sequence of "
        "tokens, where each token is a small square patch of the image.\n"
        "## From patches to tokens\n"
        "The image is cut into patches of 16 by 16 pixels, each patch is flattened and projected to a vector, and "
        "a learned position embedding records where it came from. A special classification token is added, and "
        "the whole sequence goes through an ordinary transformer encoder.\n"
        "## Data and scale\n"
        "Without the built-in assumptions of convolutions about nearby pixels, the Vision Transformer needs a lot "
        "of pre-training data. Trained on very large image collections and then fine-tuned, it matches or beats "
        "the best convolutional networks on image classification while using less compute to pre-train."
    ),
    "attention-is-all-you-need": (
        "The Transformer is a sequence-to-sequence model that drops recurrence and convolution entirely and relies "
        "on attention alone to relate the words of a sentence to one another.\n"
        "## Self-attention\n"
        "In self-attention, every word looks at every other word of the same sentence and takes a weighted mix of "
        "them, with weights computed from how well their query and key vectors match. Several attention heads run "
        "side by side, so the model can follow different relations at once.\n"
        "## Encoder and decoder\n"
        "The encoder and the decoder are stacks of identical layers, each with attention followed by a small "
        "feed-forward network; position encodings tell the model the order of the words. Because no step waits "
        "for the previous one, training runs in parallel and is much faster than for recurrent networks."
    ),
}
