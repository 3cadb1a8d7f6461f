// The studio page: pick a picture and speech (or a conversation of turns), queue a render,
// watch it, play it.
// Plain browser JavaScript, no build step. Every text from the server goes in via textContent.
"use strict";

const POINTS = [
  ["mouth_left", "the left corner of the mouth"],
  ["mouth_right", "the right corner of the mouth"],
  ["upper_lip", "the middle of the upper lip"],
  ["lower_lip", "the middle of the lower lip"],
  ["chin", "the tip of the chin"],
];
// Optional, after the mouth (of the one speaker, or of a conversation's speaker placed by
// hand): both eye centres let an animal blink in vivid and master mode. The eye on the
// picture's left first, as the engine expects.
const EYE_POINTS = [
  ["left_eye", "the eye on the picture's left"],
  ["right_eye", "the other eye"],
];
const ACTIVE = new Set(["queued", "running"]);
// Speaker colours of a conversation, light enough for dark text, bright on a photo.
const COLOURS = ["#ffc940", "#4dd0e1", "#f48fb1", "#9ccc65", "#ce93d8", "#ffab91", "#90caf9", "#80cbc4"];

const state = {
  image: null,          // File
  size: null,           // {width, height} of the picture in pixels
  faces: [],
  face: null,           // chosen face index
  manual: false,        // placing points by hand
  points: {},           // name -> [x, y] in picture pixels
  audio: null,          // File
  speech: "audio",      // "audio" | "text"
  kind: "single",       // "single" (one speaker) | "talk" (a conversation)
  rigs: [],             // conversation characters made from hand-placed points: points objects
  speaker: null,        // who says the next turn: "face:N" or "rig:K" (K counted from 1)
  loneEye: null,        // [x, y] of the chosen hand-placed speaker's first eye, until the other is clicked
  turns: [],            // {speaker, audio: File} | {speaker, text, voice} | {pause: seconds}
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
  Object.assign(state, { image: file, ...noPicture() });
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
    if (found.faces.length) state.speaker = `face:${found.faces[0].index}`;
    state.manual = found.faces.length === 0;
  } catch (error) {
    if (state.image !== file) return;
    resetPicture();
    showError(error.message);
    return;
  }
  drawMarks();
  renderSpeakers();
  updateGenerate();
}

function noPicture() {
  // What a picture's faces, points and turns start as (fresh objects: they are filled in place).
  return { faces: [], face: null, manual: false, points: {}, size: null,
    rigs: [], speaker: null, loneEye: null, turns: [] };
}

function resetPicture() {
  Object.assign(state, { image: null, ...noPicture() });
  $("image-input").value = "";
  $("image-drop").hidden = false;
  $("stage").hidden = true;
  renderSpeakers();
  renderTurns();
  updateGenerate();
}

function otherPicture() {
  const n = state.turns.length;
  if (n && !window.confirm(`Another picture has other faces: the ${n} turn${n > 1 ? "s" : ""} will be removed.`)) return;
  resetPicture();
}

function percent(value, total) {
  return `${(100 * value / total).toFixed(3)}%`;
}

function drawDot(points, name, colour) {
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.title = name.replace("_", " ");
  dot.style.left = percent(points[name][0], state.size.width);
  dot.style.top = percent(points[name][1], state.size.height);
  if (colour) dot.style.background = colour;
  $("marks").append(dot);
}

function drawMarks() {
  if (!state.size) return;
  const marks = $("marks");
  marks.replaceChildren();
  const { width, height } = state.size;
  const note = $("faces-note");
  const talk = state.kind === "talk";
  $("reset-points").hidden = !state.manual;
  $("manual-button").hidden = state.manual;
  marks.classList.toggle("placing", state.manual || eyesWanted() !== null);
  if (talk) {
    for (const speaker of speakers().filter((s) => s.rig)) {
      for (const name of Object.keys(speaker.rig)) drawDot(speaker.rig, name, speaker.colour);
      if (state.loneEye && speaker.key === state.speaker) {
        drawDot({ left_eye: state.loneEye }, "left_eye", speaker.colour);
      }
    }
  }
  if (state.manual) {
    for (const name of Object.keys(state.points)) drawDot(state.points, name);
    note.textContent = pointsNote();
    return;
  }
  const colours = new Map(speakers().map((s) => [s.key, s.colour]));
  for (const face of state.faces) {
    const [x, y, w, h] = face.box;
    const key = `face:${face.index}`;
    const chosen = talk ? state.speaker === key : state.face === face.index;
    const box = document.createElement("button");
    box.type = "button";
    box.className = "face" + (chosen ? " chosen" : "");
    box.style.left = percent(x, width);
    box.style.top = percent(y, height);
    box.style.width = percent(w, width);
    box.style.height = percent(h, height);
    if (talk) box.style.borderColor = colours.get(key);
    box.setAttribute("aria-label", `Face ${face.index}`);
    box.setAttribute("aria-pressed", String(chosen));
    box.addEventListener("click", () => (talk ? chooseSpeaker(key) : chooseFace(face.index)));
    marks.append(box);
  }
  const count = state.faces.length;
  if (talk) {
    note.textContent = (count
      ? `${count} face${count > 1 ? "s" : ""} found. `
        + "Click a face, or a speaker below, to choose who says the next turn." + coveredNote() + doubtfulNote() + catNote()
      : state.rigs.length
        ? "No face was found. Choose a speaker below, or place mouth points by hand for another one."
        : "No face was found. Place mouth points by hand to make a speaker.") + eyesNote();
    return;
  }
  note.textContent = (count === 1
    ? "1 face found: it will speak."
    : state.face === null
      ? `${count} faces found. Click the one who speaks (otherwise face ${state.faces.find((face) => face.speaks_by_default).index} does).`
      : `${count} faces found. Face ${state.face} speaks.`) + coveredNote() + doubtfulNote() + catNote();
}

// Faces whose mouth looks covered (a mask, a scarf) stay shut: say so before rendering.
function coveredNote() {
  const shut = state.faces.filter((face) => face.mouth_covered).map((face) => face.index);
  if (!shut.length) return "";
  const which = shut.length > 1 ? `Faces ${shut.join(", ")}` : `Face ${shut[0]}`;
  return ` ${which}: the mouth looks covered and stays shut (set Mouth to "opens" if it shows).`;
}

// Faces the mesh may not understand (an animal, a monster, a thing): their mouth may move in
// the wrong place, so say how to place it before rendering.
function doubtfulNote() {
  const unsure = state.faces.filter((face) => face.doubtful).map((face) => face.index);
  if (!unsure.length) return "";
  const which = unsure.length > 1
    ? `Faces ${unsure.join(", ")} may not be human faces`
    : `Face ${unsure[0]} may not be a human face`;
  return ` ${which}: if the mouth drawn on it is in the wrong place, place mouth points by hand.`;
}

// Cats' faces found by the cat-face cascade get their mouth placed from the face's box: say
// how to place it by hand if it is off.
function catNote() {
  const cats = state.faces.filter((face) => face.detector === "catface").map((face) => face.index);
  if (!cats.length) return "";
  const which = cats.length > 1 ? `Faces ${cats.join(", ")} are cats' faces` : `Face ${cats[0]} is a cat's face`;
  return ` ${which}, found automatically: if the mouth drawn on it is in the wrong place, place mouth points by hand.`;
}

function chooseFace(index) {
  state.face = index;
  drawMarks();
  updateGenerate();
}

function pointsNote() {
  // What to click next: the five mouth points, then (optionally) the eyes; a conversation's
  // speaker is kept after its mouth, and its eyes are offered by eyesNote.
  const placed = Object.keys(state.points).length;
  const next = nextPoint();
  if (placed < POINTS.length) {
    const lead = state.faces.length ? "" : "No face was found. ";
    return `${lead}Click ${next[1]} (${placed + 1} of ${POINTS.length}).`;
  }
  if (!next) {
    return placed > POINTS.length
      ? "All seven points are placed: the mouth will move and the eyes blink (vivid and master)."
      : "All five points are placed: this mouth will move.";
  }
  return placed === POINTS.length
    ? "All five points are placed: this mouth will move. To make the eyes blink too (vivid and master), "
      + "click the centre of the eye on the picture's left, then the other one."
    : "Now click the centre of the other eye (7 of 7), or start the points again.";
}

function nextPoint() {
  // The next point to click, or undefined when all are placed (a conversation's speaker
  // is kept once its mouth is placed; its eyes are clicked after, see placeEye).
  const names = state.kind === "talk" ? POINTS : [...POINTS, ...EYE_POINTS];
  return names.find(([name]) => !(name in state.points));
}

function mouthPlaced() {
  return POINTS.every(([name]) => name in state.points);
}

function pointsPlaced() {
  // The five mouth points, and either no eye or both.
  const placed = Object.keys(state.points).length;
  return placed === POINTS.length || placed === POINTS.length + EYE_POINTS.length;
}

function placePoint(event) {
  if (!state.size) return;
  const rect = $("picture").getBoundingClientRect();
  const x = (event.clientX - rect.left) / rect.width * state.size.width;
  const y = (event.clientY - rect.top) / rect.height * state.size.height;
  const at = [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  if (state.manual) {
    const next = nextPoint();
    if (!next) return;
    state.points[next[0]] = at;
    if (state.kind === "talk" && mouthPlaced()) keepRig();
  } else if (!placeEye(at)) return;
  drawMarks();
  updateGenerate();
}

function startPoints() {
  dropLoneEye();
  state.manual = true;
  state.points = {};
  drawMarks();
  updateGenerate();
}

// -- a conversation speaker's eyes ----------------------------------------------------------

function eyesWanted() {
  // The points of the chosen conversation speaker placed by hand whose eyes may be clicked
  // next (its mouth is placed, its eyes not yet), or null.
  if (state.kind !== "talk" || state.manual || !state.speaker?.startsWith("rig:")) return null;
  const rig = state.rigs[Number(state.speaker.slice(4)) - 1];
  return "right_eye" in rig ? null : rig;
}

function placeEye(at) {
  // A click on the picture while a hand-placed speaker waits for its eyes: the first one
  // waits beside the rig, the second adds both to it (never one alone: a one-eyed blink
  // reads as a wink, and the engine blinks both or none). False when nothing was placed.
  const rig = eyesWanted();
  if (!rig) return false;
  if (state.loneEye) {
    Object.assign(rig, { left_eye: state.loneEye, right_eye: at });
    state.loneEye = null;
  } else state.loneEye = at;
  return true;
}

function dropLoneEye() {
  // Anything but the other eye's click (choosing a speaker, adding a turn, generating)
  // forgets a lone eye: the speaker stays as its five mouth points.
  if (!state.loneEye) return;
  state.loneEye = null;
  drawMarks();
}

function eyesNote() {
  // What the chosen hand-placed speaker's eyes need next, as the end of the picture's note.
  if (state.kind !== "talk" || !state.speaker?.startsWith("rig:")) return "";
  const { name } = speakers().find((speaker) => speaker.key === state.speaker);
  if (!eyesWanted()) return ` ${name}'s mouth and eyes are placed: the eyes blink in vivid and master.`;
  return state.loneEye
    ? ` Now click the centre of ${name}'s other eye (7 of 7); choosing a speaker, `
      + "adding a turn or generating drops this lone eye."
    : ` ${name}'s mouth is placed. To make its eyes blink too (vivid and master), `
      + "click the centre of its eye on the picture's left, then the other one.";
}

// -- speech -------------------------------------------------------------------------------

function chooseAudio(file) {
  showError("");
  if (state.kind === "talk") {
    $("audio-input").value = "";  // the same file may be dropped again for another turn
    addTurn({ audio: file });
    return;
  }
  state.audio = file;
  $("audio-preview").src = URL.createObjectURL(file);
  showAudio();
  updateGenerate();
}

function showAudio() {
  const talk = state.kind === "talk";
  $("audio-preview").hidden = talk || state.audio === null;
  $("talk-hint").hidden = !talk;
  $("audio-name").hidden = talk || state.audio === null;
  $("audio-hint").hidden = talk || state.audio !== null;
  if (state.audio) $("audio-name").textContent = state.audio.name;
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

// -- conversation -------------------------------------------------------------------------

function speakers() {
  // Who can speak in a conversation: the faces found, then the characters placed by hand.
  const found = state.faces.map((face) => (
    { key: `face:${face.index}`, name: `Face ${face.index}`, badge: String(face.index) }));
  const placed = state.rigs.map((rig, k) => (
    { key: `rig:${k + 1}`, name: `Hand-placed ${k + 1}`, badge: `H${k + 1}`, rig }));
  return [...found, ...placed].map((speaker, n) => ({ ...speaker, colour: COLOURS[n % COLOURS.length] }));
}

function chooseKind(kind) {
  showError("");
  dropLoneEye();
  state.kind = kind;
  const talk = kind === "talk";
  $("kind-single").setAttribute("aria-selected", String(!talk));
  $("kind-talk").setAttribute("aria-selected", String(talk));
  $("speech-title").textContent = talk ? "Turns" : "Speech";
  $("speaker-row").hidden = !talk;
  $("turns-box").hidden = !talk;
  $("add-text").hidden = !talk;
  // Hand-placed points carry over: a finished set becomes a speaker, and back.
  if (talk && state.manual && mouthPlaced()) keepRig();
  else if (!talk && state.size && !state.faces.length && !state.manual) {
    state.manual = true;
    state.points = state.rigs.length ? structuredClone(state.rigs[state.rigs.length - 1]) : {};
  }
  showAudio();
  drawMarks();
  renderSpeakers();
  renderTurns();
  updateGenerate();
}

function keepRig() {
  // The mouth points just placed (with both eyes if they were clicked before switching to a
  // conversation) become a speaker of the conversation (once per set of points); a lone
  // eye clicked then waits for the other one (see placeEye).
  const { left_eye: first, ...mouth } = state.points;
  const lone = "right_eye" in mouth ? null : first ?? null;
  const points = lone ? mouth : state.points;
  const placed = JSON.stringify(points);
  const same = state.rigs.findIndex((rig) => JSON.stringify(rig) === placed);
  if (same < 0) state.rigs.push(points);
  state.speaker = `rig:${same < 0 ? state.rigs.length : same + 1}`;
  Object.assign(state, { points: {}, manual: false });
  state.loneEye = eyesWanted() ? lone : null;
  renderSpeakers();
}

function chooseSpeaker(key) {
  if (key !== state.speaker) dropLoneEye();
  state.speaker = key;
  drawMarks();
  renderSpeakers();
}

function renderSpeakers() {
  const row = $("speakers");
  const all = speakers();
  row.replaceChildren(...all.map((speaker) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small speaker";
    button.setAttribute("aria-pressed", String(state.speaker === speaker.key));
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = speaker.colour;
    button.append(swatch, speaker.name);
    button.addEventListener("click", () => chooseSpeaker(speaker.key));
    return button;
  }));
  if (!all.length) {
    const none = document.createElement("span");
    none.className = "note";
    none.textContent = state.size ? "nobody yet: place mouth points by hand on the picture" : "choose a picture first";
    row.append(none);
  }
}

function addTurn(speech) {
  if (state.speaker === null) {
    showError(state.size
      ? "Choose who says this turn first: click a face, or place mouth points by hand."
      : "Choose a picture first, then who says each turn.");
    return false;
  }
  dropLoneEye();
  state.turns.push({ speaker: state.speaker, ...speech });
  // The next turn is most likely the next speaker's.
  const keys = speakers().map((speaker) => speaker.key);
  state.speaker = keys[(keys.indexOf(state.speaker) + 1) % keys.length];
  drawMarks();
  renderSpeakers();
  renderTurns();
  updateGenerate();
  return true;
}

function addText() {
  showError("");
  if (addTurn({ text: $("text-input").value.trim(), voice: $("voice-select").value })) {
    $("text-input").value = "";
    updateGenerate();
  }
}

function addPause() {
  const typed = $("pause-seconds").value;
  const seconds = Number(typed);
  if (!(typed.trim() && seconds > 0 && seconds <= 60)) {
    showError(`A pause lasts more than 0 and at most 60 seconds, not "${typed}".`);
    return;
  }
  showError("");
  dropLoneEye();
  state.turns.push({ pause: Math.round(seconds * 100) / 100 });
  renderTurns();
  updateGenerate();
}

function renderTurns() {
  const named = new Map(speakers().map((speaker) => [speaker.key, speaker]));
  $("turns").replaceChildren(...state.turns.map((turn, i) => turnItem(turn, i, named)));
  $("turns-empty").hidden = state.turns.length > 0;
}

function turnItem(turn, i, named) {
  const item = document.createElement("li");
  item.className = "turn";
  const number = document.createElement("span");
  number.className = "n";
  number.textContent = `${i + 1}`;
  const badge = document.createElement("span");
  badge.className = "badge";
  const what = document.createElement("span");
  what.className = "what";
  if (turn.pause) {
    item.classList.add("pause");
    badge.classList.add("pause");
    what.textContent = `pause ${turn.pause} s`;
  } else {
    const speaker = named.get(turn.speaker);
    badge.textContent = speaker.badge;
    badge.title = speaker.name;
    badge.style.background = speaker.colour;
    what.textContent = turn.audio ? turn.audio.name : `“${turn.text}”${turn.voice ? ` · ${turn.voice}` : ""}`;
    const who = document.createElement("span");
    who.className = "sr";
    who.textContent = `${speaker.name}: `;
    what.prepend(who);
  }
  what.title = what.textContent;
  const last = state.turns.length - 1;
  const actions = document.createElement("div");
  actions.className = "actions";
  if (!turn.pause) actions.append(turnExpression(turn, i));
  actions.append(
    turnButton("↑", `Move turn ${i + 1} up`, i === 0, () => moveTurn(i, -1)),
    turnButton("↓", `Move turn ${i + 1} down`, i === last, () => moveTurn(i, 1)),
    turnButton("✕", `Remove turn ${i + 1}`, false, () => removeTurn(i)),
  );
  item.append(number, badge, what, actions);
  return item;
}

function turnExpression(turn, i) {
  // How the speaker feels in this turn: "—" keeps the Style step's expression. The names
  // are the Style step's own options.
  const select = document.createElement("select");
  select.className = "mood";
  select.setAttribute("aria-label", `Expression of turn ${i + 1}`);
  select.title = "How the speaker feels in this turn (—: as in the Style step)";
  select.append(new Option("—", ""), ...[...$("expression-select").options].map((o) => new Option(o.value, o.value)));
  select.value = turn.expression || "";
  select.addEventListener("change", () => {
    turn.expression = select.value || undefined;
  });
  return select;
}

function turnButton(text, label, disabled, onClick) {
  const button = action(text, onClick);
  button.setAttribute("aria-label", label);
  button.title = label;
  button.disabled = disabled;
  return button;
}

function moveTurn(i, step) {
  showError("");  // an earlier refusal names turns by their old numbers
  const j = i + step;
  [state.turns[i], state.turns[j]] = [state.turns[j], state.turns[i]];
  renderTurns();
  // Keep the keyboard on the moved turn: the same button, or the other one at either end.
  const [up, down] = $("turns").children[j].querySelectorAll("button");
  const same = step < 0 ? up : down;
  (same.disabled ? (step < 0 ? down : up) : same).focus();
}

function removeTurn(i) {
  showError("");
  state.turns.splice(i, 1);
  renderTurns();
  updateGenerate();
  const rows = $("turns").children;
  if (rows.length) rows[Math.min(i, rows.length - 1)].querySelector(".actions button:last-child").focus();
  else $("add-pause").focus();
}

function conversationForm() {
  // The script (JSON, read like a dialogue YAML) and every file it names, by a unique name.
  const form = new FormData();
  const sent = new Map();  // what a file is -> the name it is sent under
  const send = (blob, name, identity) => {
    if (!sent.has(identity)) {
      const taken = new Set(sent.values());
      const dot = name.lastIndexOf(".");
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
      let unique = name;
      for (let n = 2; taken.has(unique); n += 1) unique = `${stem}-${n}${ext}`;
      sent.set(identity, unique);
      form.append("files", blob, unique);
    }
    return sent.get(identity);
  };
  const sendFile = (file) => send(file, file.name, `${file.name}|${file.size}|${file.lastModified}`);
  const script = { image: sendFile(state.image), characters: {}, turns: [] };
  for (const turn of state.turns) {
    if (turn.pause) {
      script.turns.push({ pause: turn.pause });
      continue;
    }
    const [kind, n] = turn.speaker.split(":");
    const line = { face: kind === "face" ? Number(n) : `hand${n}` };
    if (kind === "rig" && !(line.face in script.characters)) {
      const points = new Blob([JSON.stringify(state.rigs[n - 1])], { type: "application/json" });
      script.characters[line.face] = { points: send(points, `${line.face}.json`, turn.speaker) };
    }
    if (turn.audio) line.audio = sendFile(turn.audio);
    else Object.assign(line, { text: turn.text }, turn.voice ? { voice: turn.voice } : {});
    if (turn.expression) line.expression = turn.expression;
    script.turns.push(line);
  }
  form.append("script", JSON.stringify(script));
  return form;
}

// -- generate and follow ------------------------------------------------------------------

function ready() {
  if (state.image === null || state.size === null) return false;
  if (state.kind === "talk") return state.turns.some((turn) => !turn.pause);
  const speech = state.speech === "audio" ? state.audio !== null : $("text-input").value.trim() !== "";
  return speech && (!state.manual || pointsPlaced());
}

function updateGenerate() {
  $("generate").disabled = !ready();
  $("add-text").disabled = $("text-input").value.trim() === "";
}

function singleForm() {
  const form = new FormData();
  form.append("image", state.image);
  if (state.speech === "audio") {
    form.append("audio", state.audio);
  } else {
    form.append("text", $("text-input").value);
    if ($("voice-select").value) form.append("voice", $("voice-select").value);
  }
  if (state.manual) form.append("points", JSON.stringify(state.points));
  else if (state.face !== null) form.append("face", String(state.face));
  return form;
}

function motionOptions(mode) {
  // Only what differs from the defaults, and only where the mode moves head and eyes.
  if (mode === "standard") return {};
  const options = {};
  const strength = Number($("motion-strength").value);
  if (strength !== 1) options.motion = strength;
  if ($("blink-rate").value !== "") options.blink_rate = Number($("blink-rate").value);
  if ($("gaze").value !== "wander") options.gaze = $("gaze").value;
  return options;
}

function jobOptions(mode) {
  // The job's options beside its mode: only what differs from the defaults.
  const options = motionOptions(mode);
  const expression = $("expression-select").value;
  if (expression !== "neutral") options.expression = expression;
  const cover = $("mouth-cover-select").value;
  if (cover !== "auto") options.mouth_cover = cover;
  const music = $("music-select").value; // "music": the model hears the voice apart from the music
  if (music !== "auto") options.mouth = music;
  return options;
}

function updateMotion() {
  const mode = document.querySelector("input[name=mode]:checked").value;
  $("motion-fields").disabled = mode === "standard";
  $("motion-note").hidden = mode !== "standard";
  $("motion-value").textContent = Number($("motion-strength").value).toFixed(1);
}

async function generate() {
  showError("");
  dropLoneEye();
  if (state.kind === "talk" && $("text-input").value.trim()) {
    showError("The text you typed is not a turn yet: press Add turn, or clear it.");
    return;
  }
  const form = state.kind === "talk" ? conversationForm() : singleForm();
  const mode = document.querySelector("input[name=mode]:checked").value;
  form.append("mode", mode);
  const options = jobOptions(mode);
  if (Object.keys(options).length) form.append("options", JSON.stringify(options));
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
    text.textContent = ["Done.", ...job.notes.map((note) => `Note: ${note}.`)].join(" ");
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
  for (const note of job.notes) {
    const line = document.createElement("span");
    line.className = "note";
    line.textContent = note;
    about.append(line);
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
  $("manual-button").addEventListener("click", startPoints);
  $("reset-points").addEventListener("click", startPoints);
  $("other-picture").addEventListener("click", otherPicture);
  $("kind-single").addEventListener("click", () => chooseKind("single"));
  $("kind-talk").addEventListener("click", () => chooseKind("talk"));
  $("tab-audio").addEventListener("click", () => chooseSpeech("audio"));
  $("tab-text").addEventListener("click", () => chooseSpeech("text"));
  $("text-input").addEventListener("input", updateGenerate);
  $("add-text").addEventListener("click", addText);
  $("add-pause").addEventListener("click", addPause);
  $("generate").addEventListener("click", generate);
  $("cancel-current").addEventListener("click", () => state.current && cancel(state.current));
  for (const radio of document.querySelectorAll("input[name=mode]")) radio.addEventListener("change", updateMotion);
  $("motion-strength").addEventListener("input", updateMotion);
  updateMotion();
  loadVoices();
  refreshHistory();
});
