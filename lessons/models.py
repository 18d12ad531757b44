"""The catalog's tables: categories, sources, lessons and their chapters, courses, related lessons and progress."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.content_version import ContentRowsQuerySet
from core.learner_pages import LearnerRowsQuerySet
from lessons import sources
from lessons.search import LessonSearchDocument, SearchDocumentField


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Kind(models.TextChoices):
    YOUTUBE = sources.KIND_YOUTUBE, "YouTube video"
    PODCAST = sources.KIND_PODCAST, "Podcast episode"
    ARTICLE = sources.KIND_ARTICLE, "Article"
    PAPER = sources.KIND_PAPER, "Paper"
    URL = sources.KIND_URL, "Web page"


def unlock_price_default() -> int:
    """Read at row creation, so a changed UNLOCK_PRICE applies to new lessons without a migration."""
    return settings.UNLOCK_PRICE


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    icon = models.CharField(max_length=8, blank=True, help_text="One emoji shown before the name, e.g. 📄.")

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.icon} {self.name}".strip()


class FeedFormat(models.TextChoices):
    """How a source's feed is read; each format brings lessons of one kind (FEED_FORMAT_KINDS)."""

    RSS = "rss", "RSS (blog, Medium, Dev.to)"
    ATOM = "atom", "Atom (blog)"
    ARXIV = "arxiv", "arXiv listing or query"
    YOUTUBE = "youtube", "YouTube channel or playlist"
    PODCAST = "podcast", "Podcast RSS"


FEED_FORMAT_KINDS: dict[str, str] = {
    FeedFormat.RSS: Kind.ARTICLE,
    FeedFormat.ATOM: Kind.ARTICLE,
    FeedFormat.ARXIV: Kind.PAPER,
    FeedFormat.YOUTUBE: Kind.YOUTUBE,
    FeedFormat.PODCAST: Kind.PODCAST,
}


# What a source's polls write: nothing a visitor sees, so these updates keep the content version.
SOURCE_POLL_FIELDS = frozenset(
    {"etag", "last_modified", "last_polled_at", "last_success_at", "last_error", "consecutive_failures", "next_poll_at"}
)


class SourceQuerySet(ContentRowsQuerySet["Source"]):
    def changes_content(self, **update: object) -> bool:
        return not set(update) <= SOURCE_POLL_FIELDS | {"enabled"}

    def due(self, *, now: datetime) -> SourceQuerySet:
        """Enabled sources with a feed whose next poll time has come (or was never set)."""
        return (
            self.filter(enabled=True)
            .exclude(feed_url="")
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        )


class Source(models.Model):
    name = models.CharField(max_length=120, unique=True, help_text="As learners see it: “Medium · LLM”, “ArXiv cs.AI”.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.URL)
    url = models.URLField(max_length=500, blank=True, help_text="The source's home page, if it has one.")
    # Polling: a source with a feed URL brings lessons in on its own (docs/sources.md).
    feed_url = models.URLField("feed URL", max_length=1000, blank=True, help_text="Leave empty for a hand-kept source.")
    feed_format = models.CharField(max_length=16, choices=FeedFormat.choices, blank=True)
    poll_interval_minutes = models.PositiveIntegerField(default=60)
    enabled = models.BooleanField(default=True, help_text="Polled on schedule. Turned off after too many failures.")
    default_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="For new items."
    )
    default_level = models.CharField(max_length=16, choices=Level.choices, blank=True, help_text="For new items.")
    etag = models.CharField(max_length=500, blank=True, help_text="The last fetch's ETag, sent back as If-None-Match.")
    last_modified = models.CharField(max_length=100, blank=True, help_text="The last fetch's Last-Modified.")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_poll_notes = models.TextField(
        blank=True, help_text="What the last poll left out or cut (items past a limit, items without a web link)."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["feed_url"], condition=~Q(feed_url=""), name="lessons_source_feed_once"),
            models.CheckConstraint(
                condition=Q(feed_format="") | Q(feed_format__in=FeedFormat.values), name="lessons_source_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LessonQuerySet(ContentRowsQuerySet["Lesson"]):
    def changes_content(self, **update: object) -> bool:
        """Incoming lessons are invisible outside curation: writing only them changes no page."""
        if update.get("status", LessonStatus.INCOMING) != LessonStatus.INCOMING:
            return True
        return self.exclude(status=LessonStatus.INCOMING).exists()

    def rows_change_content(self, rows: list[Lesson]) -> bool:
        if not rows:
            return False
        if all(row._state.adding is False and row.status == LessonStatus.INCOMING for row in rows):
            return False
        # Rows built from ids alone (bulk_update) carry no status of their own: ask the database.
        return self.model._default_manager.filter(pk__in=[row.pk for row in rows]).changes_content()

    def published(self) -> LessonQuerySet:
        return self.filter(status=LessonStatus.PUBLISHED)

    def visible_to(self, user: object) -> LessonQuerySet:
        """The lessons ``user`` may see (`lessons_visible_to`)."""
        return self.filter(lessons_visible_to(user))

    def previewable_by(self, user: object) -> LessonQuerySet:
        """The lessons whose own page ``user`` may open: staff preview every one (an incoming item before it is
        published, from the admin's "View on site"), everyone else the published ones."""
        if getattr(user, "is_staff", False):
            return self.all()
        return self.published()

    def incoming(self) -> LessonQuerySet:
        return self.filter(status=LessonStatus.INCOMING)


def lessons_visible_to(user: object, *, through: str = "") -> Q:
    """The one rule for who sees which lessons, as a filter: staff preview drafts; everyone else sees published
    lessons only. Items brought in by a source wait in the admin's Incoming queue, not in the catalog, even for staff
    (a busy feed would flood it), and rejected ones are seen by nobody outside curation. ``through`` reaches the
    lessons through a relation: ``lessons_visible_to(user, through="related__")`` filters related-lesson rows."""
    staff = getattr(user, "is_staff", False)
    statuses = (LessonStatus.DRAFT, LessonStatus.PUBLISHED) if staff else (LessonStatus.PUBLISHED,)
    return Q(**{f"{through}status__in": statuses})


class LessonStatus(models.TextChoices):
    INCOMING = "incoming", "Incoming (brought in by a source, not reviewed)"
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


class Lesson(models.Model):
    Status = LessonStatus

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="lessons")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.URL)
    external_url = models.URLField("external URL", max_length=1000)
    authors = models.CharField(max_length=300, blank=True, help_text="Authors or speakers, as credited.")
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons")
    published_at = models.DateField(default=timezone.localdate, help_text="When the work itself was published.")
    duration_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Watching or reading time.")
    summary = models.CharField(max_length=300, blank=True, help_text="One line shown in lists: “Learn to …”.")
    description = models.TextField(blank=True)
    transcript = models.TextField(blank=True, help_text="Optional: pasted text, WebVTT or SRT.")
    material = models.TextField(
        blank=True,
        help_text="The work's own text beyond the description (an article's body, a paper's abstract), for the tutor. "
        "Never shown whole on the page.",
    )
    unlock_price = models.PositiveIntegerField(default=unlock_price_default, help_text="⚡ to unlock the AI tutor.")
    status = models.CharField(max_length=16, choices=LessonStatus.choices, default=LessonStatus.DRAFT, db_index=True)
    up_next = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Shown as “Up next” when the learner is not following a course.",
    )
    up_next_reason = models.CharField(max_length=300, blank=True, help_text="One line saying why it comes next.")
    related_lessons = models.ManyToManyField(
        "self", through="RelatedLesson", through_fields=("lesson", "related"), symmetrical=False, blank=True
    )
    # What a source brought: the item's identity in its feed (GUID, arXiv id or canonical URL), never reused, so a
    # later poll recognises it; and what the pipeline suggests to the curator.
    identity_key = models.CharField(max_length=500, blank=True, help_text="The item's GUID or canonical URL.")
    curator_edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a curator edits it: later polls never overwrite it."
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="When rejected by merging.",
    )
    suggested_category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    suggested_level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    suggested_summary = models.CharField(max_length=300, blank=True)
    suggestion_confidence = models.FloatField(
        null=True,
        blank=True,
        help_text="How closely the item reads like the published lesson nearest to it (0 to 1); below the threshold "
        "nothing is suggested.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Written by the database on every insert and update, bulk ones included: what search matches and ranks
    # (lessons/search.py). PostgreSQL indexes it with GIN (migration 0006).
    search_vector = models.GeneratedField(
        expression=LessonSearchDocument("title", "summary", "description"),
        output_field=SearchDocumentField(),
        db_persist=True,
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="lessons_lesson_listing")]
        constraints = [
            models.CheckConstraint(condition=Q(unlock_price__gte=0), name="lessons_lesson_unlock_price_not_negative"),
            models.CheckConstraint(
                condition=Q(up_next__isnull=True) | ~Q(up_next=F("pk")), name="lessons_lesson_up_next_not_itself"
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="lessons_lesson_level_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="lessons_lesson_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=LessonStatus.values), name="lessons_lesson_status_valid"),
            # The database, not Python, refuses a second copy of one feed item, however many workers poll at once.
            models.UniqueConstraint(
                fields=["source", "identity_key"], condition=~Q(identity_key=""), name="lessons_lesson_item_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def link_label(self) -> str:
        """“Watch on YouTube”, “Read on arXiv” …: the button that opens the work itself."""
        return sources.link_label(self.kind, self.source.name, url=self.external_url)

    @property
    def action_verb(self) -> str:
        """The verb of the short “Watch →” link that leads to this lesson."""
        return {Kind.YOUTUBE: "Watch", Kind.PODCAST: "Listen"}.get(Kind(self.kind), "Read")


class ChapterQuerySet(ContentRowsQuerySet["Chapter"]):
    def changes_content(self, **update: object) -> bool:
        return self.exclude(lesson__status=LessonStatus.INCOMING).exists()

    def rows_change_content(self, rows: list[Chapter]) -> bool:
        lesson_ids = {row.lesson_id for row in rows}
        return Lesson.objects.filter(pk__in=lesson_ids).exclude(status=LessonStatus.INCOMING).exists()


class Chapter(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="chapters")
    start_seconds = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["start_seconds"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "start_seconds"], name="lessons_chapter_one_per_moment"),
            models.CheckConstraint(condition=Q(start_seconds__gte=0), name="lessons_chapter_start_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.start_seconds}s {self.title}"


class Skill(models.Model):
    """Something a learner gets better at across lessons ("Reading ML papers", "Transformers"), kept by curators."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    keywords = models.TextField(
        blank=True,
        help_text="Words and phrases that say a lesson is about this skill, one per line; new lessons get the skill "
        "suggested when their title, summary or description uses them.",
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="skills", help_text="New lessons of these categories get it suggested."
    )

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lessons:skill", args=[self.slug])


class LessonSkill(models.Model):
    """How much of a lesson is about a skill (1–100, the seed page's "Reading ML Papers 90 %")."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="lesson_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="lesson_skills")
    weight = models.PositiveSmallIntegerField(help_text="1–100: how much of the lesson is about this skill.")
    suggested = models.BooleanField(
        default=False, help_text="Suggested from the lesson's concepts and category; a curator has not confirmed it."
    )

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-weight", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "skill"], name="lessons_skill_once_per_lesson"),
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=100), name="lessons_skill_weight_1_100"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} · {self.skill_id} {self.weight}%"


class RelatedLesson(models.Model):
    """A lesson worth reading next to another: chosen by a curator (curated) or computed by similarity."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    curated = models.BooleanField(default=True)
    score = models.FloatField(default=0.0, help_text="Cosine similarity for computed rows; 0 for curated ones.")

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-curated", "position", "-score", "id"]
        constraints = [
            # Once per kind: a curator may pick a lesson the similarity also found; the page shows it once, as
            # curated, and the next recompute drops the computed twin.
            models.UniqueConstraint(
                fields=["lesson", "related"], condition=Q(curated=True), name="lessons_related_curated_once"
            ),
            models.UniqueConstraint(
                fields=["lesson", "related"], condition=Q(curated=False), name="lessons_related_computed_once"
            ),
            models.CheckConstraint(condition=~Q(lesson=F("related")), name="lessons_related_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} → {self.related_id}"


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    lessons = models.ManyToManyField(Lesson, through="CourseLesson", related_name="courses", blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [models.CheckConstraint(condition=Q(level__in=Level.values), name="lessons_course_level_valid")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:course", kwargs={"slug": self.slug})


class CourseLesson(models.Model):
    """A lesson's place in a course. Positions are not unique so a curator can swap two in one save; the
    admin renumbers them 1..n afterwards (course_positions_normalise)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_lessons")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="course_lessons")
    position = models.PositiveIntegerField(default=0)

    objects = ContentRowsQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "lesson"], name="lessons_course_lesson_once"),
            models.CheckConstraint(condition=Q(position__gte=0), name="lessons_course_position_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} #{self.position}: {self.lesson_id}"


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    created = models.DateTimeField(default=timezone.now)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="lessons_enrollment_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class LessonProgress(models.Model):
    class Origin(models.TextChoices):
        BROWSER = "browser", "Saved in the browser, merged at sign-in"
        SERVER = "server", "Recorded while signed in"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(
        default=timezone.now,
        null=True,
        blank=True,
        help_text="When the learner first opened the work itself (its link or a chapter): the “watched” mark. "
        "Empty while only the lesson's page was opened.",
    )
    opened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the lesson was last opened in a page or an app, as the server saw it, while it is open and "
        "not completed: the clock that completion by time is measured from. Empty when not open.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Origin.choices, default=Origin.SERVER)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "lesson progress"
        ordering = [F("started_at").desc(nulls_last=True)]
        indexes = [
            models.Index(
                fields=["user", "opened_at"], name="lessons_progress_open", condition=Q(opened_at__isnull=False)
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lessons_progress_once"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("started_at")),
                name="lessons_progress_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class MaterialRequest(models.Model):
    """A learner asked for the transcript of a lesson that lacks one: once per learner and lesson, free. Curators see
    the most requested lessons first in the admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="material_requests")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="material_requests")
    created = models.DateTimeField(default=timezone.now)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lessons_material_request_once")]

    def __str__(self) -> str:
        return f"{self.user_id} asked for the transcript of {self.lesson_id}"
