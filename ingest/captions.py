"""A YouTube video's captions as the lesson's transcript, with the video's own chapters and duration.

youtube-transcript-api does the talking to YouTube (the watch page, the player request, the caption track), through a
requests session from ``ingest.fetching.library_session``: every request it sends is checked, pinned, timed and
capped like any other fetch of ours, and tests point it at a local fake with ``INGEST_YOUTUBE_BASE``.

Which captions: the video's spoken language first (YouTube's automatic captions are made in the language spoken, so
their language says it; without them, the site's ``LANGUAGE_CODE``), a creator's captions before automatic ones in
that language; then any other creator's captions, then any other automatic ones.

The library reads neither chapters nor duration; both come from what it fetched anyway, seen on the session: the
duration from the player answer's ``videoDetails.lengthSeconds``, the chapters from the watch page's chapter markers,
else from the timestamps in the video's own description (``videoDetails.shortDescription``) as YouTube reads them.

Failures come back as the pipeline's two kinds: ``FetchError`` (transient or not: network, 5xx, 429, YouTube
refusing us for now) and ``MaterialError`` (the captions are unavailable: turned off, none in any language, the
video gone or unplayable). Each message starts with "unavailable:" when the video has none to give.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import ParseError

import requests
from defusedxml import DefusedXmlException
from django.conf import settings
from youtube_transcript_api import (
    AgeRestricted,
    CouldNotRetrieveTranscript,
    FetchedTranscriptSnippet,
    InvalidVideoId,
    IpBlocked,
    PoTokenRequired,
    RequestBlocked,
    TranscriptsDisabled,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeRequestFailed,
    YouTubeTranscriptApi,
)

from ingest.fetching import FetchError, library_session, retry_after_seconds
from ingest.material import MAX_CHAPTERS, MAX_SECONDS, Material, MaterialError
from lessons.chapters import ParsedChapter, chapters_parse
from lessons.transcripts import TranscriptFormatError, transcript_parse

UNAVAILABLE = "unavailable"  # the job's error then reads "captions: unavailable: …"
WATCH_URL = "https://www.youtube.com/watch?v={}"
# Fetches one video's captions cost: the watch page, the player request and the caption track.
FETCHES_PER_VIDEO = 3

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
_PATH_PREFIXES = ("/embed/", "/shorts/", "/live/", "/v/")
# A chapter marker in the watch page's data: {"chapterRenderer":{"title":{"simpleText":"Intro"},
# "timeRangeStartMillis":0,…}}. Bounded repeats, no nesting: linear in the page.
_CHAPTER_MARKER = re.compile(
    r'"chapterRenderer":\{"title":\{"simpleText":"((?:[^"\\]|\\.){0,600})"\},"timeRangeStartMillis":(\d{1,12})'
)


def youtube_video_id(url: str) -> str:
    """The video id of a YouTube link (watch?v=, youtu.be/, /embed/, /shorts/, /live/), or "" for any other link."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS or host == "www.youtube-nocookie.com":
        if parts.path == "/watch":
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        else:
            prefix = next((p for p in _PATH_PREFIXES if parts.path.startswith(p)), "")
            candidate = parts.path[len(prefix) :].split("/")[0] if prefix else ""
    return candidate if _VIDEO_ID.fullmatch(candidate) else ""


@dataclass
class _Seen:
    """What the library's requests brought back, kept by a response hook on its session."""

    watch_page: str = ""
    player: dict[str, Any] = field(default_factory=dict)
    last_status: int = 0
    last_retry_after: float | None = None

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last_status = response.status_code
        self.last_retry_after = retry_after_seconds(response.headers.get("Retry-After", ""))
        if response.status_code != 200:
            return
        path = urlsplit(response.url).path  # under INGEST_YOUTUBE_BASE's own path, if it has one
        if path.endswith("/watch"):
            self.watch_page = response.text
        elif path.endswith("/youtubei/v1/player"):
            try:
                data = response.json()
            except ValueError:
                return  # the library says so itself
            self.player = data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Captions:
    material: Material  # transcript (WebVTT), chapters, duration
    language: str
    generated: bool

    def line(self) -> str:
        """The captions in a few words: "en, automatic"."""
        return f"{self.language}, {'automatic' if self.generated else 'by the creator'}"


def captions_read(video_id: str) -> Captions:
    """The video's captions as WebVTT, with its chapters and duration. Raises FetchError or MaterialError."""
    seen = _Seen()
    session = library_session()
    session.hooks["response"].append(seen.hook)
    api = YouTubeTranscriptApi(http_client=session)
    try:
        tracks = list(api.list(video_id))
        if not tracks:
            raise MaterialError(f"{UNAVAILABLE}: the video has none, in any language")
        chosen = min(tracks, key=_preference(tracks))
        snippets = chosen.fetch().snippets
    except FetchError:
        raise
    except CouldNotRetrieveTranscript as error:
        raise _failure(error, seen) from None
    except (ParseError, DefusedXmlException, ValueError, KeyError, TypeError, IndexError) as error:
        # A page, a player answer or a caption track the library could not read (JSON, XML or a field it expects).
        raise MaterialError(f"unreadable answer from YouTube ({error.__class__.__name__})") from None
    finally:
        session.close()
    transcript = captions_webvtt(snippets)
    return Captions(
        material=Material(transcript=transcript, chapters=_chapters(seen), duration_seconds=_duration(seen.player)),
        language=chosen.language_code,
        generated=chosen.is_generated,
    )


def _preference(tracks: list[Any]) -> Any:
    spoken = next((track.language_code for track in tracks if track.is_generated), "") or settings.LANGUAGE_CODE
    wanted = _primary(spoken)

    def rank(track: Any) -> tuple[bool, bool]:
        return (_primary(track.language_code) != wanted, bool(track.is_generated))

    return rank


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def _failure(error: CouldNotRetrieveTranscript, seen: _Seen) -> Exception:
    """The library's error as the pipeline's: transient (try again later) or not, in a curator's words."""
    if isinstance(error, TranscriptsDisabled):
        return MaterialError(f"{UNAVAILABLE}: turned off for this video")
    if isinstance(error, (VideoUnavailable, InvalidVideoId)):
        return MaterialError(f"{UNAVAILABLE}: the video is gone from YouTube")
    if isinstance(error, AgeRestricted):
        return MaterialError(f"{UNAVAILABLE}: the video is age-restricted (YouTube asks for a signed-in viewer)")
    if isinstance(error, VideoUnplayable):
        return MaterialError(f"{UNAVAILABLE}: the video cannot be played ({(error.reason or 'no reason given')[:200]})")
    if isinstance(error, PoTokenRequired):
        return MaterialError(f"{UNAVAILABLE}: YouTube asks for a proof-of-origin token for this track")
    if isinstance(error, (IpBlocked, RequestBlocked)):
        return FetchError("YouTube refused our requests for now (blocked)", retry_after=seen.last_retry_after)
    if isinstance(error, YouTubeRequestFailed):
        status = seen.last_status
        transient = status >= 500 or status in (408, 429) or status == 0
        return FetchError(f"HTTP {status} from YouTube", transient=transient, retry_after=seen.last_retry_after)
    return MaterialError(f"YouTube's answer could not be read ({error.__class__.__name__})")


def captions_webvtt(snippets: list[FetchedTranscriptSnippet]) -> str:
    """Caption snippets as WebVTT, in time order: empty cues and impossible times left out, each cue on one line
    (escaped as WebVTT requires), a cue without a length lasting until the next one starts. Cues may overlap, as
    YouTube's rolling automatic captions do; the transcript reader keeps each line once."""
    cues = sorted(
        (
            (float(snippet.start), float(snippet.duration or 0.0), " ".join(snippet.text.split()))
            for snippet in snippets
            if _finite_time(snippet.start)
        ),
        key=lambda cue: cue[0],
    )
    cues = [cue for cue in cues if cue[2]]
    if not cues:
        raise MaterialError(f"{UNAVAILABLE}: the caption track has no text")
    lines = ["WEBVTT", ""]
    for index, (start, length, text) in enumerate(cues):
        following = cues[index + 1][0] if index + 1 < len(cues) else start + 2.0
        end = start + length if math.isfinite(length) and 0 < length <= 3600 else max(following, start + 0.5)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [f"{_vtt_time(start)} --> {_vtt_time(max(end, start + 0.001))}", escaped, ""]
    text = "\n".join(lines).strip() + "\n"
    try:
        if not transcript_parse(text):
            raise MaterialError(f"{UNAVAILABLE}: the caption track has no text")
    except TranscriptFormatError as error:
        raise MaterialError(f"captions not readable as WebVTT: {error}") from None
    return text


def _finite_time(value: Any) -> bool:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _duration(player: dict[str, Any]) -> int | None:
    details = player.get("videoDetails")
    raw = str(details.get("lengthSeconds", "")) if isinstance(details, dict) else ""
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_SECONDS else None


def _chapters(seen: _Seen) -> tuple[ParsedChapter, ...]:
    """The watch page's chapter markers, else the chapters of the video's own description; () when neither has any."""
    found: dict[int, ParsedChapter] = {}
    for match in _CHAPTER_MARKER.finditer(seen.watch_page):
        if len(found) >= MAX_CHAPTERS:
            break
        try:
            title = json.loads(f'"{match.group(1)}"')
        except ValueError:
            continue
        start = int(match.group(2)) // 1000
        title = " ".join(str(title).split())[:300]
        if start <= MAX_SECONDS and start not in found:
            found[start] = ParsedChapter(start_seconds=start, title=title or f"Chapter {len(found) + 1}")
    if len(found) >= 2:
        return tuple(sorted(found.values(), key=lambda chapter: chapter.start_seconds))
    details = seen.player.get("videoDetails")
    description = details.get("shortDescription", "") if isinstance(details, dict) else ""
    return tuple(chapters_parse(description[:20_000])) if isinstance(description, str) else ()
