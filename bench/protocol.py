"""A virtual student: one Streamlit session driven over the app's own websocket, without a browser.

The client speaks the protocol the Streamlit frontend speaks: it connects to /_stcore/stream, sends `BackMsg`
protobufs (a `rerun_script` with the query string, the page and the widget states) and reads `ForwardMsg`
protobufs (deltas, navigation, page info, script finished). Like the frontend it learns each widget's id from the
elements the server sends (a keyed widget's id ends with its key), keeps the values it has set and sends them with
every rerun, drops those of widgets no longer on the page, and tells the server which cacheable messages it already
holds (the server then sends a reference instead). An interaction is timed from sending the rerun until the
script-finished message of the run that was not cut short by a rerun; every byte received meanwhile is counted.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Widget:
    """A widget as its element announced it: its id, element type and the element's proto (range, options, data)."""

    id: str
    kind: str
    proto: object


@dataclass
class Outcome:
    """One interaction: seconds from the rerun request to script finished, bytes received, and the error if any."""

    kind: str
    seconds: float
    bytes: int
    error: str | None = None
    runs: int = 0  # script runs it took (a run cut short by st.rerun counts too)
    wire_bytes: int = 0  # bytes that crossed the socket for it (compressed, if the server compresses its messages)


@dataclass
class VirtualStudent:
    """One session of the app, over one websocket. ``base`` is 'http://127.0.0.1:8501'."""

    base: str
    timeout_s: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)  # sent with the websocket handshake (a load balancer's)
    query: str = ""
    page_hash: str = ""
    page_name: str = ""
    session_id: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # user key -> widget, from the latest run
    states: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> the value this client set
    cached: set[str] = field(default_factory=set)  # hashes of cacheable messages received
    bytes_received: int = 0  # message bytes, as the app sent them
    wire_bytes_received: int = 0  # socket bytes: fewer when permessage-deflate compresses the messages
    exceptions: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # of the handshake's answer (a load balancer's cookie)
    _ws: object = None
    _seen: dict[str, Widget] = field(default_factory=dict)

    async def open(self, path: str = "", query: dict[str, str] | None = None) -> Outcome:
        """Open a page by its URL path ('word_by_word') with query parameters, as a shared link does."""
        self.query, self.page_name, self.page_hash = urllib.parse.urlencode(query or {}), path, ""
        t0 = time.perf_counter()
        try:
            await asyncio.wait_for(self._connect(), self.timeout_s)
        except (OSError, TimeoutError, websockets.WebSocketException) as err:
            return Outcome("open", time.perf_counter() - t0, 0, f"connect: {err!r}"[:200])
        outcome = await self._rerun("open")
        outcome.seconds = time.perf_counter() - t0  # from the handshake on
        return outcome

    async def _connect(self) -> None:
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        extra = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else None
        self._ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            origin=self.base,
            additional_headers=extra,
            max_size=None,
            open_timeout=self.timeout_s,
            ping_interval=None,
        )
        receive = self._ws.data_received  # count what the socket brings before frames are parsed (and inflated)

        def counted(data: bytes) -> None:
            self.wire_bytes_received += len(data)
            receive(data)

        self._ws.data_received = counted
        self.headers = dict(self._ws.response.headers)
        self.keep_cookies(self._ws.response.headers.get_all("Set-Cookie"))

    def keep_cookies(self, set_cookie: list[str]) -> None:
        """Keep the cookies a response set (name=value only), as a browser does for later requests."""
        for header in set_cookie:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    async def closed(self) -> None:
        """Returns once the server has closed this session's websocket (the frontend then reconnects at once)."""
        await self._ws.wait_closed()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    # -- what a student does ------------------------------------------------------------------------------------
    async def set_text(self, key: str, text: str, kind: str = "type a review") -> Outcome:
        return await self._set(key, kind, lambda s: setattr(s, "string_value", text))

    async def choose(self, key: str, option: str, kind: str = "pick a model") -> Outcome:
        return await self._set(key, kind, lambda s: setattr(s, "string_value", option))

    async def slide(self, key: str, value: float, kind: str = "move the step slider") -> Outcome:
        return await self._set(key, kind, lambda s: s.double_array_value.data.append(value))

    async def component_state(self, key: str, value: dict, kind: str) -> Outcome:
        """A v2 component (the word player) reporting its state, as its JavaScript does with setStateValue."""
        return await self._set(key, kind, lambda s: setattr(s, "json_value", json.dumps(value)))

    async def go_to(self, path: str) -> Outcome:
        """Follow the sidebar's link to a page (by URL path)."""
        if path not in self.pages:
            return Outcome(f"go to {path}", 0.0, 0, f"no page {path!r} in the navigation")
        self.page_hash, self.page_name = self.pages[path], path
        return await self._rerun(f"go to {path}")

    async def rerun(self, kind: str = "rerun") -> Outcome:
        """Run the page again with nothing changed (what a widget elsewhere on the page costs at least)."""
        return await self._rerun(kind)

    def value(self, key: str) -> str:
        """A text widget's value as the server last drew it (e.g. the review a reconnected page shows)."""
        proto = self.widgets[key].proto
        return proto.value if proto.HasField("value") else proto.default

    def component_data(self, key: str) -> dict:
        """The data a v2 component was drawn with (its JSON), e.g. the word player's review key and words."""
        proto = self.widgets[key].proto
        return json.loads(proto.json) if proto.json else {}

    # -- the protocol ---------------------------------------------------------------------------------------------
    async def _set(self, key: str, kind: str, fill) -> Outcome:
        widget = self.widgets.get(key)
        if widget is None:
            return Outcome(kind, 0.0, 0, f"no widget with key {key!r} on {self.page_name or 'the page'}")
        state = WidgetState(id=widget.id)
        fill(state)
        self.states[widget.id] = state
        bound = getattr(widget.proto, "query_param_key", "")
        if bound and state.WhichOneof("value") == "string_value":  # the frontend writes a bound widget into the URL
            params = dict(urllib.parse.parse_qsl(self.query)) | {bound: state.string_value}
            self.query = urllib.parse.urlencode(params)
        return await self._rerun(kind)

    async def _rerun(self, kind: str) -> Outcome:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string, rerun.page_script_hash, rerun.page_name = self.query, self.page_hash, self.page_name
        rerun.widget_states.widgets.extend(self.states.values())
        rerun.cached_message_hashes.extend(sorted(self.cached))
        t0, b0, w0, runs = time.perf_counter(), self.bytes_received, self.wire_bytes_received, 0
        self._seen, seen_exceptions = {}, len(self.exceptions)
        try:
            await self._ws.send(msg.SerializeToString())
            while True:
                status = await asyncio.wait_for(self._until_finished(), max(0.1, self.timeout_s - (time.perf_counter() - t0)))
                runs += 1
                if status in DONE:
                    break
                if status != EARLY:
                    raise RuntimeError(f"script finished with status {status}")
                self._seen = {}
        except TimeoutError:
            return Outcome(kind, time.perf_counter() - t0, self.bytes_received - b0, "timeout", runs)
        except (websockets.WebSocketException, RuntimeError, OSError) as err:
            return Outcome(kind, time.perf_counter() - t0, self.bytes_received - b0, f"{type(err).__name__}: {err}"[:200], runs)
        self.widgets = self._seen
        live = {w.id for w in self.widgets.values()}
        self.states = {i: s for i, s in self.states.items() if i in live}  # as the frontend drops inactive widgets
        error = self.exceptions[-1][:200] if len(self.exceptions) > seen_exceptions else None
        return Outcome(kind, time.perf_counter() - t0, self.bytes_received - b0, error, runs, self.wire_bytes_received - w0)

    async def _until_finished(self) -> int:
        """Read messages until a script-finished message; returns its status."""
        while True:
            frame = await self._ws.recv()
            self.bytes_received += len(frame)
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            which = msg.WhichOneof("type")
            if which == "script_finished":
                return msg.script_finished
            if which == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif which == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif which == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif which == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind) if kind else None
        if kind == "exception":
            self.exceptions.append(f"{proto.type}: {proto.message}")
        widget_id = getattr(proto, "id", "") if proto is not None else ""
        if widget_id and widget_id.startswith("$$ID-"):
            key = widget_id.split("-", 2)[2]  # '$$ID-<hash>-<key>': the key the page gave the widget
            self._seen[key] = Widget(widget_id, kind, proto)
