// The studio page: pick a picture and speech, queue a render, watch it, play it.
// Plain browser JavaScript, no build step. Every text from the server goes in via textContent.
"use strict";

const POINTS = [
  ["mouth_left", "the left corner of the mouth"],
  ["mouth_right", "the right corner of the mouth"],
  ["upper_lip", "the middle of the upper lip"],
  ["lower_lip", "the middle of the lower lip"],
  ["chin", "the tip of the chin"],
];
const ACTIVE = new Set(["queued", "running"]);

const state = {
  image: null,          // File
  size: null,           // {width, height} of the picture in pixels
  faces: [],
  face: null,           // chosen face index
  manual: false,        // placing points by hand
  points: {},           // name -> [x, y] in picture pixels
  audio: null,          // File
  speech: "audio",      // "audio" | "text"
  current: null,        // id of the job shown in the progress box
  events: null,         // EventSource of that job
};

const $ = (id) => document.getElementById(id);

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
  if (message) box.scrollIntoView({ block: "nearest" });
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = await response.json();
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (_) { /* not JSON: keep the status text */ }
    throw new Error(detail || `request failed (${response.status})`);
  }
  return response.status === 204 ? null : response.json();
}

// -- picture ------------------------------------------------------------------------------

function wireDrop(dropId, inputId, onFile) {
  const drop = $(dropId);
  const input = $(inputId);
  input.addEventListener("change", () => input.files[0] && onFile(input.files[0]));
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer.files[0]) onFile(event.dataTransfer.files[0]);
  });
}

async function choosePicture(file) {
  showError("");
  Object.assign(state, { image: file, faces: [], face: null, manual: false, points: {}, size: null });
  $("image-drop").hidden = true;
  $("stage").hidden = false;
  $("picture").src = URL.createObjectURL(file);
  $("marks").replaceChildren();
  $("faces-note").textContent = "Looking for faces…";
  updateGenerate();
  const form = new FormData();
  form.append("image", file);
  try {
    const found = await api("/api/inspect", { method: "POST", body: form });
    if (state.image !== file) return;  // another picture was chosen meanwhile
    state.size = { width: found.width, height: found.height };
    state.faces = found.faces;
    $("picture").src = found.overlay;
    if (found.faces.length === 1) state.face = found.faces[0].index;
    state.manual = found.faces.length === 0;
  } catch (error) {
    if (state.image !== file) return;
    resetPicture();
    showError(error.message);
    return;
  }
  drawMarks();
  updateGenerate();
}

function resetPicture() {
  Object.assign(state, { image: null, faces: [], face: null, manual: false, points: {}, size: null });
  $("image-input").value = "";
  $("image-drop").hidden = false;
  $("stage").hidden = true;
  updateGenerate();
}

function percent(value, total) {
  return `${(100 * value / total).toFixed(3)}%`;
}

function drawMarks() {
  const marks = $("marks");
  marks.replaceChildren();
  const { width, height } = state.size;
  const note = $("faces-note");
  $("reset-points").hidden = !state.manual;
  $("manual-button").hidden = state.manual;
  marks.classList.toggle("placing", state.manual);
  if (state.manual) {
    for (const [name, xy] of Object.entries(state.points)) {
      const dot = document.createElement("span");
      dot.className = "dot";
      dot.title = name.replace("_", " ");
      dot.style.left = percent(xy[0], width);
      dot.style.top = percent(xy[1], height);
      marks.append(dot);
    }
    const next = POINTS.find(([name]) => !(name in state.points));
    const lead = state.faces.length ? "" : "No face was found. ";
    note.textContent = next
      ? `${lead}Click ${next[1]} (${Object.keys(state.points).length + 1} of ${POINTS.length}).`
      : "All five points are placed: this mouth will move.";
    return;
  }
  for (const face of state.faces) {
    const [x, y, w, h] = face.box;
    const box = document.createElement("button");
    box.type = "button";
    box.className = "face" + (state.face === face.index ? " chosen" : "");
    box.style.left = percent(x, width);
    box.style.top = percent(y, height);
    box.style.width = percent(w, width);
    box.style.height = percent(h, height);
    box.setAttribute("aria-label", `Face ${face.index}`);
    box.addEventListener("click", () => { state.face = face.index; drawMarks(); updateGenerate(); });
    marks.append(box);
  }
  const count = state.faces.length;
  note.textContent = count === 1
    ? "1 face found: it will speak."
    : state.face === null
      ? `${count} faces found. Click the one who speaks (otherwise the largest does).`
      : `${count} faces found. Face ${state.face} speaks.`;
}

function placePoint(event) {
  if (!state.manual || !state.size) return;
  const rect = $("picture").getBoundingClientRect();
  const next = POINTS.find(([name]) => !(name in state.points));
  if (!next) return;
  const x = (event.clientX - rect.left) / rect.width * state.size.width;
  const y = (event.clientY - rect.top) / rect.height * state.size.height;
  state.points[next[0]] = [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  drawMarks();
  updateGenerate();
}

// -- speech -------------------------------------------------------------------------------

function chooseAudio(file) {
  showError("");
  state.audio = file;
  const preview = $("audio-preview");
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  $("audio-drop").querySelector(".hint").textContent = file.name;
  updateGenerate();
}

function chooseSpeech(kind) {
  state.speech = kind;
  $("tab-audio").setAttribute("aria-selected", String(kind === "audio"));
  $("tab-text").setAttribute("aria-selected", String(kind === "text"));
  $("panel-audio").hidden = kind !== "audio";
  $("panel-text").hidden = kind !== "text";
  updateGenerate();
}

async function loadVoices() {
  try {
    const voices = await api("/api/voices");
    const select = $("voice-select");
    for (const voice of voices) {
      const option = document.createElement("option");
      option.value = voice.name;
      option.textContent = `${voice.title || voice.name} (${voice.language}, ${voice.engine})`;
      select.append(option);
    }
  } catch (error) {
    $("voice-select").title = `voices unavailable: ${error.message}`;
  }
}

// -- generate and follow ------------------------------------------------------------------

function ready() {
  const speech = state.speech === "audio" ? state.audio !== null : $("text-input").value.trim() !== "";
  const pointsDone = !state.manual || Object.keys(state.points).length === POINTS.length;
  return state.image !== null && state.size !== null && speech && pointsDone;
}

function updateGenerate() {
  $("generate").disabled = !ready();
}

async function generate() {
  showError("");
  const form = new FormData();
  form.append("image", state.image);
  if (state.speech === "audio") {
    form.append("audio", state.audio);
  } else {
    form.append("text", $("text-input").value);
    if ($("voice-select").value) form.append("voice", $("voice-select").value);
  }
  form.append("mode", document.querySelector("input[name=mode]:checked").value);
  if (state.manual) form.append("points", JSON.stringify(state.points));
  else if (state.face !== null) form.append("face", String(state.face));
  $("generate").disabled = true;
  try {
    const created = await api("/api/jobs", { method: "POST", body: form });
    follow(created.id);
    refreshHistory();
  } catch (error) {
    showError(error.message);
  } finally {
    updateGenerate();
  }
}

function follow(id) {
  if (state.events) state.events.close();
  state.current = id;
  $("result").hidden = true;
  $("progress-box").hidden = false;
  $("progress").value = 0;
  $("progress-text").textContent = "Queued…";
  const events = new EventSource(`/api/jobs/${id}/events`);
  state.events = events;
  events.onmessage = (message) => {
    const job = JSON.parse(message.data);
    showProgress(job);
    if (!ACTIVE.has(job.status)) {
      events.close();
      state.events = null;
      refreshHistory();
    }
  };
  events.addEventListener("deleted", () => {
    events.close();
    $("progress-box").hidden = true;
  });
}

function showProgress(job) {
  $("progress").value = job.progress;
  const text = $("progress-text");
  $("cancel-current").hidden = !ACTIVE.has(job.status);
  if (job.status === "queued") text.textContent = "Queued…";
  else if (job.status === "running") text.textContent = `Rendering… ${Math.round(job.progress * 100)}%`;
  else if (job.status === "done") {
    text.textContent = "Done.";
    play(job);
  } else if (job.status === "failed") {
    text.textContent = "Failed.";
    showError(job.error || "the render failed");
  } else text.textContent = "Cancelled.";
}

function play(job) {
  $("result").hidden = false;
  const video = $("video");
  video.src = job.video;
  $("download").href = `${job.video}?download=1`;
  video.play().catch(() => { /* autoplay may be blocked: the controls are there */ });
}

// -- history ------------------------------------------------------------------------------

let historyTimer = null;

async function refreshHistory() {
  clearTimeout(historyTimer);
  let jobs;
  try {
    jobs = await api("/api/jobs");
  } catch (error) {
    showError(error.message);
    return;
  }
  const list = $("jobs");
  list.replaceChildren(...jobs.map(historyItem));
  $("history-empty").hidden = jobs.length > 0;
  if (jobs.some((job) => ACTIVE.has(job.status))) historyTimer = setTimeout(refreshHistory, 2000);
}

function historyItem(job) {
  const item = document.createElement("li");
  item.className = `job ${job.status}`;
  item.dataset.id = job.id;
  const thumb = document.createElement("img");
  thumb.src = job.thumbnail;
  thumb.alt = "";
  const about = document.createElement("div");
  about.className = "about";
  const label = document.createElement("span");
  label.className = "label";
  label.textContent = job.label;
  const meta = document.createElement("span");
  meta.className = "meta";
  const when = new Date(job.created * 1000).toLocaleString();
  const status = job.status === "running" ? `running ${Math.round(job.progress * 100)}%` : job.status;
  meta.textContent = `${status} · ${job.mode} · ${when}`;
  about.append(label, meta);
  if (job.error && job.status === "failed") {
    const why = document.createElement("span");
    why.className = "why";
    why.textContent = job.error;
    about.append(why);
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  if (job.status === "done") actions.append(action("Play", () => play(job)));
  if (ACTIVE.has(job.status)) {
    actions.append(action("Watch", () => follow(job.id)));
    actions.append(action("Cancel", () => cancel(job.id)));
  }
  actions.append(action("Delete", () => remove(job.id)));
  item.append(thumb, about, actions);
  return item;
}

function action(text, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small";
  button.textContent = text;
  button.addEventListener("click", onClick);
  return button;
}

async function cancel(id) {
  try {
    await api(`/api/jobs/${id}/cancel`, { method: "POST" });
  } catch (error) {
    showError(error.message);
  }
  refreshHistory();
}

async function remove(id) {
  try {
    await api(`/api/jobs/${id}`, { method: "DELETE" });
  } catch (error) {
    showError(error.message);
  }
  if (state.current === id) {
    $("progress-box").hidden = true;
    $("result").hidden = true;
    state.current = null;
  }
  refreshHistory();
}

// -- start --------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  wireDrop("image-drop", "image-input", choosePicture);
  wireDrop("audio-drop", "audio-input", chooseAudio);
  $("picture").addEventListener("click", placePoint);
  $("marks").addEventListener("click", (event) => { if (event.target === $("marks")) placePoint(event); });
  $("manual-button").addEventListener("click", () => {
    state.manual = true;
    state.points = {};
    drawMarks();
    updateGenerate();
  });
  $("reset-points").addEventListener("click", () => { state.points = {}; drawMarks(); updateGenerate(); });
  $("other-picture").addEventListener("click", resetPicture);
  $("tab-audio").addEventListener("click", () => chooseSpeech("audio"));
  $("tab-text").addEventListener("click", () => chooseSpeech("text"));
  $("text-input").addEventListener("input", updateGenerate);
  $("generate").addEventListener("click", generate);
  $("cancel-current").addEventListener("click", () => state.current && cancel(state.current));
  loadVoices();
  refreshHistory();
});
