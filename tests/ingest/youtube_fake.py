"""A local fake of exactly the YouTube endpoints youtube-transcript-api 1.2 calls, on 127.0.0.1.

* ``GET /watch?v=ID``: the watch page; the library reads ``"INNERTUBE_API_KEY": "…"`` from it, and we read its chapter
  markers (``"chapterRenderer":{"title":{"simpleText":…},"timeRangeStartMillis":…}``) when the video has some.
* ``POST /youtubei/v1/player?key=KEY``: the player answer (JSON): ``playabilityStatus``, ``videoDetails``
  (``lengthSeconds``, ``shortDescription``) and ``captions.playerCaptionsTracklistRenderer.captionTracks``
  (``baseUrl``, ``name.runs[0].text``, ``languageCode``, ``kind: "asr"`` for automatic captions).
* ``GET /api/timedtext?v=ID&lang=LL[&kind=asr]``: a caption track, ``<transcript><text start dur>…</text>…``,
  its text escaped twice as YouTube serves it (``&amp;#39;`` for an apostrophe).

The ``baseUrl``s name https://www.youtube.com as YouTube's do; INGEST_YOUTUBE_BASE sends them here. Each video may
answer a planned series of failures first (``failures``: statuses for its next requests, with Retry-After).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API_KEY = "AIzaFakeKeyForTests_0123456789"


@dataclass
class Track:
    language: str
    name: str
    cues: list[tuple[str, str, str]]  # (start, dur, text as the XML carries it: escaped once more)
    generated: bool = False


@dataclass
class Video:
    tracks: list[Track] = field(default_factory=list)
    captions: bool = True  # False: the player answer has no captions at all (turned off)
    playable: bool = True  # False: "This video is unavailable"
    length_seconds: int = 600
    description: str = ""
    chapters: list[tuple[int, str]] = field(default_factory=list)  # the watch page's markers: (ms, title)
    failures: list[int] = field(default_factory=list)  # statuses answered first, one per request, then normal


def cue_xml(start: float, dur: float, text: str) -> tuple[str, str, str]:
    """A cue as YouTube writes it: the text escaped twice (once by YouTube, once by XML)."""
    return (f"{start:.3f}".rstrip("0").rstrip("."), f"{dur:.3f}".rstrip("0").rstrip("."), escape(escape(text)))


class YouTubeFake:
    def __init__(self) -> None:
        self.videos: dict[str, Video] = {}
        self.hits: Counter[str] = Counter()
        self.retry_after = "7"
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                video_id = (query.get("v") or [""])[0]
                fake._count(parts.path)
                video = fake.videos.get(video_id)
                if video is None:
                    self._send(404, "text/html", b"<html>not here</html>")
                    return
                if fake._failing(video, self):
                    return
                if parts.path == "/watch":
                    self._send(200, "text/html; charset=utf-8", fake.watch_page(video_id, video).encode())
                elif parts.path == "/api/timedtext":
                    language = (query.get("lang") or [""])[0]
                    generated = (query.get("kind") or [""])[0] == "asr"
                    track = next((t for t in video.tracks if t.language == language and t.generated == generated), None)
                    if track is None:
                        self._send(404, "text/html", b"")
                        return
                    self._send(200, "text/xml; charset=UTF-8", fake.track_xml(track).encode())
                else:
                    self._send(404, "text/html", b"")

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                fake._count(parts.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                key = (parse_qs(parts.query).get("key") or [""])[0]
                video = fake.videos.get(str(body.get("videoId")))
                if parts.path != "/youtubei/v1/player" or key != API_KEY or video is None:
                    self._send(400, "application/json", b'{"error": {"code": 400}}')
                    return
                if fake._failing(video, self):
                    return
                answer = fake.player(str(body["videoId"]), video)
                self._send(200, "application/json; charset=UTF-8", json.dumps(answer).encode())

            def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> YouTubeFake:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _count(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def _failing(self, video: Video, handler: BaseHTTPRequestHandler) -> bool:
        with self._lock:
            status = video.failures.pop(0) if video.failures else 0
        if not status:
            return False
        handler._send(status, "text/html", b"<html>try later</html>", {"Retry-After": self.retry_after})  # type: ignore[attr-defined]
        return True

    @staticmethod
    def watch_page(video_id: str, video: Video) -> str:
        markers = [
            {"chapterRenderer": {"title": {"simpleText": title}, "timeRangeStartMillis": ms, "thumbnail": {}}}
            for ms, title in video.chapters
        ]
        initial = {"playerOverlays": {"markersMap": [{"key": "DESCRIPTION_CHAPTERS", "value": {"chapters": markers}}]}}
        return (
            "<!DOCTYPE html><html><head><title>A video - YouTube</title></head><body>"
            f'<script>ytcfg.set({{"INNERTUBE_API_KEY": "{API_KEY}", "VIDEO_ID": "{video_id}"}});</script>'
            f"<script>var ytInitialData = {json.dumps(initial if markers else {}, separators=(',', ':'))};</script>"
            "</body></html>"
        )

    @staticmethod
    def player(video_id: str, video: Video) -> dict[str, object]:
        if not video.playable:
            return {"playabilityStatus": {"status": "ERROR", "reason": "This video is unavailable"}}
        answer: dict[str, object] = {
            "playabilityStatus": {"status": "OK"},
            "videoDetails": {
                "videoId": video_id,
                "lengthSeconds": str(video.length_seconds),
                "shortDescription": video.description,
            },
        }
        if video.captions:
            answer["captions"] = {
                "playerCaptionsTracklistRenderer": {
                    "captionTracks": [
                        {
                            "baseUrl": f"https://www.youtube.com/api/timedtext?v={video_id}&ei=x&caps=asr"
                            f"&opi=1&xoaf=5&lang={track.language}" + ("&kind=asr" if track.generated else ""),
                            "name": {"runs": [{"text": track.name}]},
                            "vssId": ("a." if track.generated else ".") + track.language,
                            "languageCode": track.language,
                            **({"kind": "asr"} if track.generated else {}),
                            "isTranslatable": True,
                        }
                        for track in video.tracks
                    ],
                    "translationLanguages": [{"languageCode": "fr", "languageName": {"runs": [{"text": "French"}]}}],
                }
            }
        return answer

    @staticmethod
    def track_xml(track: Track) -> str:
        cues = "".join(f'<text start="{start}" dur="{dur}">{text}</text>' for start, dur, text in track.cues)
        return f'<?xml version="1.0" encoding="utf-8" ?><transcript>{cues}</transcript>'


THREE_HOURS = 3 * 3600


def _long_track() -> Track:
    """Three hours of rolling automatic captions, in the shapes YouTube serves: a cue every 2 s lasting 4 s (so each
    overlaps the next), entities, tags, empty and blank cues, line breaks inside a cue."""
    cues = []
    for n in range(THREE_HOURS // 2):
        start = n * 2.0
        if n % 97 == 0:
            cues.append((f"{start:g}", "4", ""))  # empty: <text ...></text>
            continue
        if n % 89 == 0:
            cues.append(cue_xml(start, 4.0, "   "))
            continue
        text = f"part {n} of the lecture"
        if n == 1:
            text = 'Q&A about what\'s "attention" <b>really</b>'
        if n == 3:
            text = "first line\nsecond line"
        cues.append(cue_xml(start, 4.0, text))
    cues.append(cue_xml(THREE_HOURS - 1.5, 0.0, "the very end"))  # no length: lasts until the end
    return Track(language="en", name="English (auto-generated)", cues=cues, generated=True)


def videos_for_tests() -> dict[str, Video]:
    """The videos the tests ask about, each a shape the world serves."""

    def track(language: str, text: str, *, generated: bool = False) -> Track:
        name = f"{language} (auto-generated)" if generated else language
        cues = [cue_xml(0.0, 2.5, f"{text} one"), cue_xml(2.0, 3.0, f"{text} two"), cue_xml(77.0, 4.0, f"{text} loops")]
        return Track(language=language, name=name, cues=cues, generated=generated)

    return {
        "Manual_en01": Video(
            tracks=[track("de", "Deutsch"), track("en", "Creator"), track("en", "Machine", generated=True)],
            length_seconds=3725,
            chapters=[(0, "Intro"), (77_000, 'Loops & "planning"'), (304_000, "Wrap-up")],
        ),
        "AutoOnly_en": Video(tracks=[track("fr", "Français"), track("en", "Machine", generated=True)]),
        "OnlyGerman1": Video(tracks=[track("de", "Deutsch")]),
        "DescChapter": Video(
            tracks=[track("en", "Creator")], description="Links first.\n\n0:00 Intro\n1:17 Loops\n5:04 The end\n"
        ),
        "NoCaptions1": Video(captions=False),
        "GoneVideo01": Video(playable=False),
        "ThreeHours1": Video(
            tracks=[_long_track()], length_seconds=THREE_HOURS, chapters=[(0, "Start"), (3_600_000, "Hour two")]
        ),
        "Flaky503xx1": Video(tracks=[track("en", "Creator")], failures=[503]),
        "Blocked429x": Video(tracks=[track("en", "Creator")], failures=[429]),
        "AbCdEf12345": Video(tracks=[track("en", "Feed video", generated=True)], length_seconds=1500),
    }
