// The word player of Word by word (a Streamlit v2 component: it runs in the app's own page, beside the charts).
//
// It owns the page's one position, the current word. It steps the network chart through its Plotly frames (no full
// redraw), lays the current word over the answers-and-states chart (an overlay it positions from the chart's own
// axes: that chart is never redrawn while playing), and tells Python which word is current when it comes to rest,
// so the step panel below shows the same word. Words reach the page only through textContent, never as HTML.
//
// data: {review, words, presenter, charts: [container keys], step, room}
// state sent back: position = {review, step}; room = the height (px) the charts may take, when the window is short

const SPEEDS = [0.25, 0.5, 0.75, 1, 1.5, 2]; // seconds per word
const FRAME = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
const ACCENT = "#CC79A7"; // the current word, as in the figures
const HEADER_PX = 64; // Streamlit's top bar: the charts fit the window below it
const GAPS_PX = 40; // Streamlit's gaps between the player and the two charts, and a margin below
const REST_MS = 500; // how long the position must stay put before Python hears of it (one rerun, not one a key press)

function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function typing(event) {
  const el = event.composedPath()[0];
  return el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName));
}

class Player {
  constructor(root, setStateValue) {
    this.setStateValue = setStateValue;
    this.root = root;
    this.el = (name) => root.querySelector(`[data-part=${name}]`);
    this.t = 0;
    this.playing = false;
    this.timer = null;
    this.restTimer = null;
    this.wanted = null;
    this.busy = false;
    this.drawn = new WeakMap(); // chart -> the data array it last showed a word in (a redrawn chart has a new one)
    this.timings = []; // ms from a step's start until both charts have painted it (the tests read them)
    this.speed = window.rnnLensSpeed || 0.75;
    this.onKey = (event) => this.key(event);
    this.el("play").onclick = () => (this.playing ? this.pause(true) : this.play());
    this.el("replay").onclick = () => this.play(true);
    this.el("prev").onclick = () => this.step(-1);
    this.el("next").onclick = () => this.step(+1);
    this.el("slider").oninput = () => this.go(Number(this.el("slider").value) - 1, true);
    const speed = this.el("speed");
    speed.innerHTML = "";
    for (const s of SPEEDS) speed.add(new Option(`${s} s/word`, String(s), false, s === this.speed));
    speed.onchange = () => {
      this.speed = Number(speed.value);
      window.rnnLensSpeed = this.speed; // kept for the rest of the visit, across reruns and pages
    };
    this.watch = setInterval(() => this.sync(), 250);
    this.onResize = () => this.data && this.fit(this.charts());
    window.addEventListener("resize", this.onResize);
    document.rnnLensPlayer = this;
  }

  update(data) {
    const fresh = !this.data || this.data.review !== data.review || this.data.words.length !== data.words.length;
    this.data = data;
    this.n = data.words.length;
    if (fresh) {
      this.stop();
      this.t = Math.max(0, Math.min(data.step ?? this.n - 1, this.n - 1));
      this.drawn = new WeakMap();
    }
    document.removeEventListener("keydown", this.onKey);
    if (data.presenter) document.addEventListener("keydown", this.onKey);
    this.root.querySelector(".player").classList.toggle("big", !!data.presenter);
    this.el("keys").hidden = !data.presenter;
    const slider = this.el("slider");
    slider.max = String(this.n);
    slider.disabled = this.n < 2;
    this.label();
    this.sync();
  }

  charts() {
    const found = [];
    for (const key of this.data.charts) {
      const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
      if (gd && gd.layout && gd.layout.meta && gd.layout.meta.review === this.data.review) found.push(gd);
    }
    return found;
  }

  // A chart Streamlit has (re)drawn shows the last word: bring it to the current one, and fit the charts on screen.
  sync() {
    if (!this.data) return;
    const charts = this.charts();
    const redrawn = charts.filter((gd) => this.drawn.get(gd) !== gd.data);
    if (!redrawn.length) return;
    this.fit(charts);
    this.apply(redrawn, this.t);
  }

  // The charts and the player must fit the window below Streamlit's top bar. When they do not, say how much room
  // there is (once per size): Python draws the charts that much shorter.
  fit(charts) {
    const designed = charts.reduce((sum, gd) => sum + (gd.layout.meta.height || gd.layout.height), 0);
    const bar = this.root.querySelector(".player").getBoundingClientRect().height;
    const room = Math.floor(window.innerHeight - HEADER_PX - bar - GAPS_PX);
    const wanted = room < designed ? room : null;
    if (wanted !== (this.data.room ?? null) && wanted !== this.sentRoom) {
      this.sentRoom = wanted;
      this.setStateValue("room", wanted);
    }
  }

  apply(charts, t) {
    const jobs = [];
    for (const gd of charts) {
      const frames = gd._transitionData && gd._transitionData._frameHash;
      if (frames && frames[String(t)]) jobs.push(Plotly.animate(gd, [String(t)], FRAME));
      if (gd.layout.meta.answer) this.overlay(gd, t);
    }
    return Promise.all(jobs).then(() => charts.forEach((gd) => this.drawn.set(gd, gd.data)));
  }

  // Over the answers-and-states chart: a veil over the words not read yet, the current word's column, its answer.
  overlay(gd, t) {
    let layer = gd.querySelector(":scope > .rnn-lens-overlay");
    if (!layer) {
      layer = document.createElement("div");
      layer.className = "rnn-lens-overlay";
      layer.style.cssText = "position:absolute;inset:0;pointer-events:none;z-index:1;contain:strict"; // no page layout
      const box = (part, style) => `<div data-part="${part}" style="position:absolute;box-sizing:border-box;${style}"></div>`;
      const veil = "background:rgba(255,255,255,0.88)";
      const column = `border:3px solid ${ACCENT}`;
      layer.innerHTML =
        box("veil-answer", veil) + box("veil-state", veil) + box("column-answer", column) + box("column-state", column) +
        box("dot", `border-radius:50%;background:${ACCENT};border:2px solid #333`);
      gd.style.position = "relative";
      gd.appendChild(layer);
    }
    if (!gd.rnnLensOverlay) {
      gd.rnnLensOverlay = true; // a resize or a redraw moves the axes: follow them
      gd.on("plotly_afterplot", () => this.overlay(gd, gd.rnnLensStep ?? this.t));
    }
    gd.rnnLensStep = t;
    const full = gd._fullLayout;
    const xa = full.xaxis2 || full.xaxis;
    const x = (v) => xa._offset + xa.l2p(v);
    const place = (part, left, up, width, height) =>
      Object.assign(layer.querySelector(`[data-part=${part}]`).style, {
        left: `${left}px`,
        top: `${up}px`,
        width: `${Math.max(0, width)}px`,
        height: `${height}px`,
      });
    for (const [name, ya] of [["answer", full.yaxis], ["state", full.yaxis2 || full.yaxis]]) {
      place(`veil-${name}`, x(t + 0.5), ya._offset, xa._offset + xa._length - x(t + 0.5), ya._length);
      place(`column-${name}`, x(t - 0.5), ya._offset, x(t + 0.5) - x(t - 0.5), ya._length);
    }
    const r = this.data.presenter ? 9 : 7;
    place("dot", x(t) - r, full.yaxis._offset + full.yaxis.l2p(gd.layout.meta.answer[t]) - r, 2 * r, 2 * r);
  }

  // Show word t: the latest wish wins, so holding an arrow key never queues up frames.
  async go(t, manual = false) {
    this.t = Math.max(0, Math.min(t, this.n - 1));
    this.label();
    if (manual) {
      this.pause(false);
      this.rest();
    }
    this.wanted = this.t;
    if (this.busy) return;
    this.busy = true;
    while (this.wanted !== null) {
      const want = this.wanted;
      this.wanted = null;
      const start = performance.now();
      await this.apply(this.charts(), want);
      await nextPaint();
      this.timings.push(performance.now() - start);
      if (this.timings.length > 1000) this.timings.shift();
    }
    this.busy = false;
  }

  step(delta) {
    this.go(this.t + delta, true);
  }

  play(fromStart = false) {
    this.pause(false);
    if (fromStart || this.t >= this.n - 1) this.go(0);
    this.playing = true;
    this.label();
    this.timer = setTimeout(() => this.tick(), this.speed * 1000);
  }

  tick() {
    if (!this.playing) return;
    if (this.t >= this.n - 1) {
      this.pause(true);
      return;
    }
    this.go(this.t + 1);
    this.timer = setTimeout(() => this.tick(), this.speed * 1000);
  }

  pause(tell) {
    clearTimeout(this.timer);
    const was = this.playing;
    this.playing = false;
    this.label();
    if (tell && was) this.rest();
  }

  stop() {
    clearTimeout(this.timer);
    clearTimeout(this.restTimer);
    this.playing = false;
  }

  rest() {
    clearTimeout(this.restTimer);
    this.restTimer = setTimeout(() => {
      if (!this.playing) this.setStateValue("position", { review: this.data.review, step: this.t });
    }, REST_MS);
  }

  key(event) {
    if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      ArrowLeft: () => this.step(-1),
      ArrowRight: () => this.step(+1),
      " ": () => (this.playing ? this.pause(true) : this.play()),
      Home: () => this.go(0, true),
      End: () => this.go(this.n - 1, true),
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    actions[event.key]();
  }

  label() {
    const word = this.data ? this.data.words[this.t] : "";
    this.el("where").textContent = `word ${this.t + 1}/${this.n}: `;
    this.el("word").textContent = word;
    this.el("slider").value = String(this.t + 1);
    this.el("play").textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    this.el("play").title = this.t >= this.n - 1 && !this.playing ? "Play from word 1" : "Play";
  }

  destroy() {
    this.stop();
    clearInterval(this.watch);
    window.removeEventListener("resize", this.onResize);
    document.removeEventListener("keydown", this.onKey);
    if (document.rnnLensPlayer === this) delete document.rnnLensPlayer;
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  // Streamlit calls this again when the data change (a new review, presenter mode): one player per mounted element.
  let player = parentElement.rnnLensPlayer;
  if (!player) {
    player = new Player(parentElement, setStateValue);
    parentElement.rnnLensPlayer = player;
  }
  player.update(data);
  return () => {
    player.destroy();
    delete parentElement.rnnLensPlayer;
  };
}
