"""Material for bench/answers.py, written for this project in real-world shapes: an hour-and-a-half lecture with a
chapter list and a timed transcript, a three-hour lecture with a transcript and no chapters, an article with headings
and a reference list, and an arXiv abstract that opens with a field. The demo catalog (its seed podcast and papers)
is loaded beside them. The sentences are ours; the subjects are ordinary course material.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchLesson:
    slug: str
    title: str
    kind: str
    external_url: str
    description: str
    transcript: str = ""
    material: str = ""
    duration_seconds: int | None = None


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def webvtt(cues: list[tuple[int, str]], *, end: int) -> str:
    """A WebVTT file of the cues, each lasting until the next one starts."""
    lines = ["WEBVTT", ""]
    for (start, text), following in zip(cues, [*(start for start, _ in cues[1:]), end], strict=True):
        lines += [f"{_clock(start)} --> {_clock(following)}", text, ""]
    return "\n".join(lines)


def _at(clock: str) -> int:
    parts = [int(part) for part in clock.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


# An hour and twenty-five minutes, with chapters in its description. The speaker writes "Kullback–Leibler" with an en
# dash in the captions, as caption editors do.
INFO_CUES = [
    (
        "0:05",
        "Welcome back everyone. Before we start, a quick word: this course is free because of our supporters on "
        "Patreon, so if you enjoy it please like and share the video and subscribe to the channel.",
    ),
    (
        "1:40",
        "Today is lecture seven, and the whole lecture is about one number, the amount of information in an "
        "outcome, and the handful of quantities we build from it.",
    ),
    (
        "4:10",
        "Let's start with surprise. The surprise of an outcome is the negative logarithm of its probability, so "
        "a certain event carries no surprise and a rare event carries a lot of it.",
    ),
    (
        "6:30",
        "Entropy is the average surprise of a random variable, the expected value of minus log p over all "
        "outcomes, measured in bits when the logarithm is base two.",
    ),
    (
        "9:15",
        "A fair coin has one bit of entropy. A coin that always lands heads has zero entropy, because you learn "
        "nothing when you see the result.",
    ),
    (
        "12:40",
        "Entropy is largest for the uniform distribution: when every outcome is equally likely, you cannot "
        "guess, and every answer surprises you as much as it can.",
    ),
    (
        "15:30",
        "Now cross-entropy. Cross-entropy measures the average surprise when outcomes come from one distribution "
        "but you predict them with another, your model's distribution.",
    ),
    (
        "18:05",
        "That is exactly the loss we train classifiers with: the cross-entropy loss between the one-hot label "
        "and the softmax output of the network.",
    ),
    (
        "21:20",
        "The logarithm is why confident mistakes are punished so hard: if the model puts probability close to "
        "zero on the true class, minus log of that probability grows without bound.",
    ),
    (
        "24:50",
        "Minimising cross-entropy over a dataset is the same as maximising the likelihood of the data under the "
        "model, which is why you will hear both names for one loss.",
    ),
    (
        "27:45",
        "The Kullback–Leibler divergence is the extra surprise you pay for using the wrong distribution: the "
        "cross-entropy of p and q minus the entropy of p.",
    ),
    (
        "30:30",
        "The Kullback–Leibler divergence is never negative, and it is zero only when the two distributions are "
        "the same. Gibbs' inequality is the name of that result.",
    ),
    (
        "33:40",
        "It is not symmetric. The divergence of p from q is in general different from the divergence of q from "
        "p, so it is not a distance in the mathematical sense.",
    ),
    (
        "37:10",
        "Forward KL makes a model cover every mode of the data, while reverse KL makes it lock onto one mode, "
        "which matters a lot in variational methods.",
    ),
    (
        "41:20",
        "Mutual information asks how much knowing one variable tells you about another. It is the "
        "Kullback–Leibler divergence between the joint distribution and the product of the marginals.",
    ),
    (
        "44:50",
        "If two variables are independent, their mutual information is zero. If one determines the other, the "
        "mutual information equals the entropy of the determined variable.",
    ),
    (
        "48:30",
        "Estimating mutual information from samples is hard in high dimensions, so people train a small critic "
        "network and use a lower bound such as InfoNCE instead.",
    ),
    (
        "52:00",
        "That InfoNCE bound is the loss behind contrastive learning, where matching pairs of views should be "
        "told apart from mismatched ones.",
    ),
    (
        "55:05",
        "Now variational inference. When the posterior over hidden variables is intractable, we pick a simpler "
        "family of distributions and find the member closest to the posterior.",
    ),
    (
        "58:40",
        "The ELBO, the evidence lower bound, is the quantity we maximise: the expected log likelihood minus the "
        "Kullback–Leibler divergence from the approximate posterior to the prior.",
    ),
    (
        "1:02:15",
        "Maximising the evidence lower bound is the same as minimising the divergence between the "
        "approximate and the true posterior, because the log evidence does not depend on the approximation.",
    ),
    (
        "1:05:30",
        "The reparameterization trick writes a sample as a mean plus a scale times fixed noise, so gradients "
        "can flow through the sampling step of a variational autoencoder.",
    ),
    (
        "1:08:40",
        "Temperature divides the logits before the softmax. A temperature above one flattens the "
        "distribution and raises its entropy; a temperature below one sharpens it.",
    ),
    (
        "1:12:00",
        "Label smoothing replaces the one-hot target with a mixture of the label and a uniform distribution, "
        "so the model is never asked to be infinitely confident.",
    ),
    (
        "1:15:20",
        "Knowledge distillation uses a high temperature on the teacher's softmax so the student can learn "
        "from the relative probabilities of the wrong classes too.",
    ),
    (
        "1:19:30",
        "Let's take questions. The first question from the audience was whether entropy can be negative for "
        "continuous variables, and yes, differential entropy can be negative.",
    ),
    (
        "1:22:10",
        "Another question asked why we use bits at all. Bits are a convention; natural logarithms give nats, "
        "and one nat is about 1.44 bits.",
    ),
    ("1:24:30", "Thanks for coming, and remember the problem set on divergences is due next week."),
]
INFO_CHAPTERS = """0:00 Welcome and housekeeping
4:10 Surprise and entropy
15:30 Cross-entropy as a loss
27:45 Kullback–Leibler divergence
41:20 Mutual information
55:05 Variational inference and the ELBO
1:08:40 Temperature and label smoothing
1:19:30 Questions from the audience"""

# Three hours, no chapters: a public lecture on earthquakes, with viewers' questions at the end.
QUAKE_CUES = [
    (
        "0:10",
        "Hello and welcome. This channel is supported by our sponsor, and an equally valuable form of support is "
        "to simply share some of the videos with a friend. Links are in the description.",
    ),
    (
        "3:00",
        "Tonight we talk about earthquakes: why the ground shakes, how we measure it, and what we can and cannot "
        "do about it.",
    ),
    (
        "9:30",
        "The outer shell of the Earth is broken into tectonic plates that move a few centimetres a year, about "
        "as fast as your fingernails grow.",
    ),
    (
        "18:00",
        "Most earthquakes happen at plate boundaries, where plates pull apart, slide past each other or where "
        "one plate dives beneath another in a subduction zone.",
    ),
    (
        "27:30",
        "A fault is a fracture in the crust along which the rocks on either side have moved. Faults can be "
        "normal, reverse or strike-slip depending on how the blocks move.",
    ),
    (
        "36:00",
        "The elastic rebound theory says that rocks on both sides of a locked fault bend slowly for decades, "
        "storing strain, until they snap back and release it as an earthquake.",
    ),
    (
        "45:20",
        "The point inside the Earth where the rupture starts is the hypocenter or focus, and the point on the "
        "surface directly above it is the epicenter.",
    ),
    (
        "53:00",
        "An earthquake sends out seismic waves. Primary waves, or P waves, are compressional waves, and they are "
        "the fastest, so they arrive first.",
    ),
    (
        "1:01:30",
        "Secondary waves, or S waves, shake the ground sideways. They are slower than P waves and they cannot "
        "travel through liquids, which is how we learned that the outer core is liquid.",
    ),
    (
        "1:10:00",
        "Surface waves, Love waves and Rayleigh waves, travel along the surface and usually do the most "
        "damage to buildings because their shaking is large and long.",
    ),
    (
        "1:20:00",
        "A seismometer records the motion of the ground. The classic design is a heavy mass on a spring that "
        "stays still while the frame moves with the Earth.",
    ),
    (
        "1:29:00",
        "To locate an earthquake we use the gap between the P and S arrivals at three or more stations; the "
        "longer the gap, the farther away the quake, and the circles meet at the epicenter.",
    ),
    (
        "1:40:00",
        "The Richter scale, which Charles Richter devised in 1935 for southern California, measures the "
        "logarithm of the largest wave amplitude on a standard seismometer.",
    ),
    (
        "1:46:30",
        "Because the Richter scale is logarithmic, each whole number step means ten times larger shaking "
        "amplitude and roughly thirty-two times more energy released.",
    ),
    (
        "1:53:00",
        "The Richter magnitude saturates for very large earthquakes, so seismologists now use the moment "
        "magnitude scale, which is based on the area of the fault, the slip and the rigidity of the rock.",
    ),
    (
        "2:02:00",
        "Magnitude is one number per earthquake, but intensity describes the shaking at a place. The "
        "Modified Mercalli scale uses Roman numerals from one to twelve based on what people feel and what breaks.",
    ),
    (
        "2:11:00",
        "Aftershocks are smaller earthquakes that follow the main shock in the same area. Their number falls "
        "off roughly as one over time, a pattern known as Omori's law.",
    ),
    (
        "2:20:00",
        "Soil matters enormously. Soft sediments amplify shaking, and in liquefaction water-saturated sand "
        "loses its strength and behaves like a liquid, so buildings tilt and sink.",
    ),
    (
        "2:30:00",
        "A tsunami is a series of ocean waves caused by a sudden movement of the sea floor, usually a large "
        "subduction earthquake. In deep water it travels as fast as a jet plane.",
    ),
    (
        "2:38:00",
        "Earthquake early warning systems detect the fast P waves near the source and send an alert before "
        "the damaging S waves and surface waves arrive, giving seconds to tens of seconds of warning.",
    ),
    (
        "2:46:00",
        "We cannot predict the time and place of a particular earthquake. What we can do is forecast "
        "probabilities over decades and build to withstand the shaking.",
    ),
    (
        "2:51:00",
        "Base isolation puts a building on flexible bearings so the ground can move beneath it without the "
        "whole structure following the motion.",
    ),
    (
        "2:54:30",
        "Now your questions. Someone asked whether animals sense earthquakes before they happen; the evidence "
        "is anecdotal and has never given a reliable warning.",
    ),
    (
        "2:57:00",
        "Another viewer asked if small quakes relieve pressure and prevent big ones. They do not: it would "
        "take about a thousand magnitude five quakes to release the energy of one magnitude seven.",
    ),
    ("2:59:30", "Thank you all for watching, and please remember to like and subscribe."),
]

ARTICLE = """Training a deep network is easier when the numbers flowing through it stay in a sensible range. \
Normalization layers rescale activations so that each layer sees inputs with a stable mean and spread.
# Batch normalization
Batch normalization standardises each feature using the mean and variance computed over the current mini-batch, then \
applies a learned scale and shift. It lets networks train with much higher learning rates. Its weakness is the batch \
itself: with small batches the statistics are noisy, and at inference time it has to use running averages instead.
# Layer normalization
Layer normalization computes the mean and variance over the features of a single example instead of over the batch. \
Because it never looks across examples, it behaves the same in training and inference and works with any batch size. \
That is why layer normalization became the standard choice in transformers and recurrent networks.
# RMSNorm
RMSNorm is a simpler variant of layer normalization that divides by the root mean square of the activations and \
skips subtracting the mean. It saves a little computation and in practice trains language models just as well.
# Pre-norm and post-norm
In the original transformer the normalization came after each residual addition, which is called post-norm. Most \
recent models put it before each sublayer instead, called pre-norm, because gradients then flow straight through the \
residual path and very deep stacks train without a warm-up.
# References
Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift. Ioffe and Szegedy, 2015.
Layer Normalization. Ba, Kiros and Hinton, 2016.
Root Mean Square Layer Normalization. Zhang and Sennrich, 2019.
On Layer Normalization in the Transformer Architecture. Xiong and others, 2020."""

ABSTRACT = (
    "Deep Learning (DL) has revolutionized computer vision, speech recognition and natural language processing over "
    "the last decade. Yet the cost of training deep networks grows quickly with model and data size, putting the "
    "largest models out of reach for most laboratories. In this survey we review techniques that make training more "
    "efficient without changing what the network computes. We cover mixed precision training, which stores "
    "activations and gradients in 16-bit floating point while keeping a 32-bit master copy of the weights. We "
    "discuss gradient checkpointing, which saves memory by recomputing activations during the backward pass instead "
    "of storing them all. We compare data, tensor and pipeline parallelism for spreading one model over many "
    "accelerators. Finally we measure how much each technique saves on three benchmark models and give practical "
    "advice on combining them."
)

LESSONS = [
    BenchLesson(
        slug="information-theory-lecture-7",
        title="Lecture 7: Information Theory for Machine Learning",
        kind="youtube",
        external_url="https://www.youtube.com/watch?v=bench0000i7",
        description=(
            "Entropy, cross-entropy, the Kullback–Leibler divergence and mutual information, and where each shows up "
            "in training neural networks.\nSupport the course: https://www.patreon.com/example\n" + INFO_CHAPTERS
        ),
        transcript=webvtt([(_at(clock), text) for clock, text in INFO_CUES], end=_at("1:25:00")),
        duration_seconds=_at("1:25:00"),
    ),
    BenchLesson(
        slug="earthquakes-public-lecture",
        title="Earthquakes: The Physics of a Shaking Planet",
        kind="youtube",
        external_url="https://www.youtube.com/watch?v=bench00quake",
        description="A three-hour public lecture on plate tectonics, seismic waves, magnitude scales and tsunamis.",
        transcript=webvtt([(_at(clock), text) for clock, text in QUAKE_CUES], end=_at("3:00:00")),
        duration_seconds=_at("3:00:00"),
    ),
    BenchLesson(
        slug="normalization-layers-explained",
        title="Normalization layers, explained",
        kind="article",
        external_url="https://blog.example.org/normalization-layers",
        description="Batch normalization, layer normalization and RMSNorm, and where the norm goes in a transformer.",
        material=ARTICLE,
        duration_seconds=600,
    ),
    BenchLesson(
        slug="efficient-training-survey",
        title="Efficient Training of Deep Networks: A Survey",
        kind="paper",
        external_url="https://arxiv.org/abs/2612.00001",
        description="A survey of mixed precision, gradient checkpointing and parallelism for training large networks.",
        material=ABSTRACT,
        duration_seconds=900,
    ),
]
