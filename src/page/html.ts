import { createHash } from 'node:crypto';
import type { Branding } from '../branding/jitsi-branding.js';
import { brandLogo, brandStyle, logoOrigin } from '../branding/page-branding.js';
import { escapeHtml } from '../web-escape.js';

/**
 * The organizer page: one HTML document with its style and script inline (no framework, no build
 * step, no CDN). It asks /api/status every few seconds and shows the current state only, by role:
 * - anyone signed out: a Sign in button, and that guests need no account;
 * - members: the meeting server's state in plain words, the next meetup in its time zone, a Join
 *   button for a room and the room's guest link to copy;
 * - organizers: Start and Stop beside the state (a progress bar while starting), the recorder in
 *   plain words, the recordings, the meetups with a form whose errors sit beside their field, the
 *   recent starts and stops, and the month's cost.
 * On a stack CloudFormation left for a person to repair (`repair` in the status), everyone sees the
 * meeting's own state and that the setup needs repair; organizers also the stack's status in a
 * details line, Start off with the reason, and Stop while a meeting or a recorder runs.
 * Times are shown with their time zone: a meetup's in its own, the rest in the config's `timeZone`
 * (`data-time-zone` on the body) or, without one, the browser's, named. The script is allowed by its
 * hash in the Content-Security-Policy; nothing else may run.
 */

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const pageZone = document.body.dataset.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const api = (path, body) =>
  fetch(path, body === undefined ? { credentials: 'same-origin' } : {
    method: 'POST', credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-meetctl': '1' },
    body: JSON.stringify(body),
  });
function show(id, visible) { $(id).hidden = !visible; }
const drawn = {};
/** Redraw a list only when what it shows changed (no flicker, and screen readers are not told it again). */
function list(id, items, build) {
  const key = JSON.stringify(items);
  if (drawn[id] === key) return;
  drawn[id] = key;
  $(id).replaceChildren(...items.map(build));
}
function when(iso, zone) {
  const options = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  try { return new Date(iso).toLocaleString(undefined, { ...options, timeZone: zone }) + ' (' + zone + ')'; }
  catch { return new Date(iso).toLocaleString(undefined, { ...options, timeZone: 'UTC' }) + ' (UTC)'; }
}
function clock(seconds) { return Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0'); }
const PHASES = {
  STOPPED: ['Asleep', 'The meeting server is asleep, so it costs next to nothing. It wakes up by itself before a scheduled meetup.'],
  STARTING: ['Starting', 'The meeting server is starting. Join opens when it is ready.'],
  READY: ['Ready', 'The meeting server is running: join a room below.'],
  DEGRADED: ['Running with a problem', 'The meeting server runs, but one of its checks fails: calls may not work well.'],
  STOPPING: ['Stopping', 'The meeting server is stopping.'],
  POWERED_DOWN: ['Switched off', 'The meeting server is switched off between meetups. The person who set it up switches it on again.'],
  POWERING_UP: ['Switching on', 'The meeting server is being switched on.'],
  POWERING_DOWN: ['Switching off', 'The meeting server is being switched off.'],
  FAILED: ['Not working', 'The last start did not work. An organizer can press Start to try again.'],
  ABSENT: ['Not set up', 'There is no meeting server here yet.'],
};
/** On a stack that needs repair nothing starts: what PHASES promises about a start is left out. */
const REPAIR_PHASES = {
  STOPPED: ['Asleep', 'The meeting server is asleep, so it costs next to nothing.'],
  FAILED: ['Not working', 'The meeting server is not running.'],
};
const REPAIR_NOTICE = "The meeting server's setup needs repair, and only the person who set it up can do it: tell them. Until then the server cannot start, also not for a planned meetup. A meeting that runs now goes on, and still stops by itself once everyone has left.";
const RECORDER = {
  off: 'The recorder is off. To record a meeting, tick Record before you press Start.',
  starting: 'The recorder is starting; it takes about three minutes. Press Start recording in the meeting once this says it is ready.',
  ready: 'The recorder is ready: press Start recording in the meeting.',
  recording: 'Recording now.',
  uploading: 'The recorder is saving the last recording.',
  pending: 'The recorder stays on until the recording below is saved.',
  stopping: 'The recorder is stopping.',
};
let note = { text: '', phase: '' };
let startingSince = 0;
let expected = 90;
let expectedFrom = 'model';
let recordingsAt = 0;
function sentence(text) { return text ? text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?…]$/.test(text) ? '' : '.') : ''; }
function say(id, text) { $(id).textContent = sentence(text); show(id, Boolean(text)); }
function act(text, phase) { note = { text, phase }; say('action-note', text); }
function fieldError(field, text) {
  const input = $(field === 'room' ? 'room' : 'meetup-' + field);
  const error = $((field === 'room' ? 'room' : 'meetup-' + field) + '-error');
  if (!input || !error) { say('meetup-note', text); return; }
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  say(error.id, text);
}
function clearMeetupErrors() { for (const f of ['name', 'at', 'tz']) fieldError(f, ''); say('meetup-note', ''); }
function tick() {
  if (!startingSince) return;
  const seconds = Math.max(0, Math.round((Date.now() - startingSince) / 1000));
  $('bar').max = expected;
  $('bar').value = Math.min(seconds, expected);
  $('elapsed').textContent = seconds <= expected
    ? clock(seconds) + ' so far; a start takes about ' + clock(expected) + (expectedFrom === 'measured' ? ' (measured)' : ' (estimated)') + '.'
    : clock(seconds) + ' so far: longer than usual. It keeps trying for a few more minutes.';
}
async function loadRecordings() {
  const response = await api('/api/recordings');
  if (!response.ok) return;
  const { recordings } = await response.json();
  show('recordings-card', recordings.length > 0);
  list('recordings', recordings, (r) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = r.url;
    link.textContent = r.room + (r.start ? ', ' + when(r.start, pageZone) : ', ' + r.day);
    const minutes = r.durationSeconds ? Math.max(1, Math.round(r.durationSeconds / 60)) + ' min, ' : '';
    item.append(link, ' (' + minutes + Math.max(1, Math.round(r.sizeBytes / 1048576)) + ' MB)');
    return item;
  });
}
function showPhase(status) {
  const words = (status.repair && REPAIR_PHASES[status.phase]) || PHASES[status.phase] || [status.phase, ''];
  $('phase').textContent = words[0];
  $('phase').dataset.phase = status.phase;
  $('phase-detail').textContent = words[1];
  say('repair', status.repair ? REPAIR_NOTICE : '');
  say('repair-detail', status.repair && status.repair.stackStatus ? 'Details for the person who set it up: the stack status is ' + status.repair.stackStatus : '');
  $('people').textContent = status.participants === undefined ? '' : status.participants === 1 ? '1 person in a call.' : status.participants + ' people in a call.';
  const starting = status.phase === 'STARTING' && status.starting;
  show('progress', Boolean(starting));
  if (starting) { expected = status.starting.expectedSeconds; expectedFrom = status.starting.expectedFrom; startingSince = Date.now() - status.starting.seconds * 1000; tick(); }
  else startingSince = 0;
  say('next', status.nextMeetup ? 'Next meetup: ' + when(status.nextMeetup.at, status.nextMeetup.timeZone) + ', ' + status.nextMeetup.name + '.' : '');
  if (note.text && note.phase !== status.phase) act('', '');
  const ready = status.phase === 'READY' || status.phase === 'DEGRADED';
  $('join').disabled = !ready;
  say('join-hint', ready ? '' : 'Join opens when the meeting server is ready.');
}
function showRecorder(status) {
  const recorder = status.recorder !== undefined;
  show('record-wrap', recorder);
  show('meetup-record-wrap', recorder);
  const off = status.repair && status.recorder === 'off' ? 'The recorder is off.' : '';
  say('recorder', recorder ? (off || RECORDER[status.recorder] || status.recorder) : '');
  $('recorder').dataset.recorder = status.recorder || '';
  const pending = status.pendingRecordings || [];
  show('pending', pending.length > 0);
  list('pending-list', pending, (p) => {
    const item = document.createElement('li');
    item.textContent = p.file + ', waiting since ' + when(p.since, pageZone) + ' (' + p.tries + (p.tries === 1 ? ' try' : ' tries') + ' so far). Reason: ' + p.why;
    return item;
  });
  if (recorder && Date.now() - recordingsAt > 30000) { recordingsAt = Date.now(); loadRecordings(); }
}
function showOrganizer(status) {
  const repair = Boolean(status.repair);
  $('start').disabled = repair || !['STOPPED', 'FAILED', 'DEGRADED'].includes(status.phase);
  $('record').disabled = repair;
  say('start-hint', repair ? 'Start is off until the person who set up the server repairs its setup.' : '');
  // Stop ends whatever runs: the meeting, or a recorder left on without one.
  const meeting = ['READY', 'STARTING', 'DEGRADED'].includes(status.phase);
  $('stop').disabled = !meeting && !['starting', 'ready', 'recording', 'uploading'].includes(status.recorder);
  showRecorder(status);
  list('meetups', status.schedules || [], (m) => {
    const item = document.createElement('li');
    const name = document.createElement('strong');
    name.textContent = m.name;
    const details = (m.next ? when(m.next, m.timeZone) : 'no date ahead (' + m.timeZone + ')') + (m.repeats ? ', repeats' : '') + (m.record ? ', recorded' : '');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'small';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      if (!window.confirm('Remove the meetup ' + m.name + '?')) return;
      const response = await api('/api/schedules/remove', { name: m.name });
      say('meetup-note', response.ok ? 'Removed ' + m.name + '.' : (await response.json()).error);
      refresh();
    });
    item.append(name, ' ', details, ' ', remove);
    return item;
  });
  show('no-meetups', !(status.schedules || []).length);
  $('history-zone').textContent = pageZone;
  list('history', (status.history || []).slice().reverse(), (e) => {
    const item = document.createElement('li');
    item.textContent = when(e.at, pageZone).replace(' (' + pageZone + ')', '') + ': ' + e.text + '.';
    return item;
  });
  show('recent', Boolean((status.history && status.history.length) || status.monthToDate));
  say('cost', status.monthToDate
    ? 'This month so far: about $' + status.monthToDate.costUsd.toFixed(2) + ' of the $' + status.monthToDate.budgetUsd + ' budget.'
    : '');
}
async function refresh() {
  let response;
  try { response = await api('/api/status'); } catch { say('banner', 'The page cannot reach the server just now; it keeps trying.'); return; }
  if (response.status === 401) { show('signin', true); show('signed', false); show('signed-footer', false); say('banner', ''); return; }
  const status = await response.json();
  if (!response.ok) { say('banner', status.error || 'Something went wrong; the page tries again.'); return; }
  say('banner', '');
  const first = $('signed').hidden;
  show('signin', false); show('signed', true); show('signed-footer', true);
  const organizer = status.role === 'organizer';
  for (const id of ['organizer', 'meetups-card']) show(id, organizer);
  showPhase(status);
  if (organizer) showOrganizer(status);
  if (first) guestLink();
}
async function command(path, confirmText, pending) {
  if (confirmText && !window.confirm(confirmText)) return;
  const response = await api(path, path.endsWith('start') && $('record').checked ? { record: true } : {});
  const body = await response.json();
  act(response.ok ? pending : body.error, $('phase').dataset.phase);
  if (response.ok) $('record').checked = false;
  refresh();
}
let roomAsked = 0;
async function guestLink() {
  const asked = ++roomAsked;
  const room = $('room').value.trim();
  const response = await api('/api/room?room=' + encodeURIComponent(room));
  if (asked !== roomAsked) return;
  const body = await response.json();
  if (!response.ok) { fieldError('room', body.error || ''); show('guest', false); return; }
  fieldError('room', '');
  $('guest-link').textContent = body.guestUrl;
  say('copied', '');
  show('guest', true);
}
let typing = 0;
$('room').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(guestLink, 400); });
$('copy').addEventListener('click', async () => {
  try { await navigator.clipboard.writeText($('guest-link').textContent); say('copied', 'Copied.'); }
  catch { window.getSelection().selectAllChildren($('guest-link')); say('copied', 'Selected: copy it with Ctrl+C, or long-press and Copy.'); }
});
const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [];
$('zones').replaceChildren(...zones.map((z) => { const o = document.createElement('option'); o.value = z; return o; }));
$('meetup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearMeetupErrors();
  const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hour12 ? '12h' : '24h';
  const response = await api('/api/schedules', { name: $('meetup-name').value.trim(), at: $('meetup-at').value, tz: $('meetup-tz').value.trim(), record: $('meetup-record').checked, clock });
  const body = await response.json();
  if (response.ok) {
    const at = body.at ? ' on ' + when(body.at, body.schedule.timeZone) : '';
    say('meetup-note', 'Added ' + body.schedule.name + at + '. The server starts by itself 15 minutes before.' + (body.twice ? ' That time happens twice that night (the clocks go back): the first one is meant.' : ''));
    $('meetup-name').value = '';
    $('meetup-at').value = '';
  } else fieldError(body.field || 'note', body.error || 'The meetup could not be added.');
  refresh();
});
$('start').addEventListener('click', () => command('/api/start', '', 'Starting…'));
$('stop').addEventListener('click', () => command('/api/stop', 'Stop the meeting server? Everyone in a call is dropped.', 'Stopping…'));
$('join').addEventListener('click', async () => {
  const response = await api('/api/join', { room: $('room').value.trim() });
  const body = await response.json();
  if (response.ok) window.location.assign(body.url); else fieldError('room', body.error);
});
refresh();
setInterval(refresh, 5000);
setInterval(tick, 1000);
`;

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#222;background:#f6f6f4}
header,main{max-width:40rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.5rem;margin:0 0 .3rem;display:flex;align-items:center;gap:.6rem}
h2{font-size:1.1rem;margin:0 0 .6rem}
#welcome{margin:0 0 1rem;color:#555}
.card{background:#fff;border:1px solid #ddd;border-radius:.6rem;padding:1rem 1.2rem;margin:0 0 1rem}
.card p{margin:.4rem 0}
button,.button{display:inline-block;font:inherit;font-size:1rem;padding:.55rem 1.2rem;border-radius:.4rem;border:1px solid #555;background:#fff;color:#222;text-decoration:none;cursor:pointer}
button:disabled{opacity:.4;cursor:not-allowed}
button.small{font-size:.85rem;padding:.2rem .7rem}
.button{background:#222;color:#fff;border-color:#222}
#start{background:#0a7d32;border-color:#0a7d32;color:#fff}#stop{background:#a11;border-color:#a11;color:#fff}
#join{background:#0a7d32;border-color:#0a7d32;color:#fff}#add{background:#222;border-color:#222;color:#fff}
#phase{font-size:1.3rem}
#phase::before{content:"";display:inline-block;width:.7rem;height:.7rem;border-radius:50%;background:#999;margin-right:.5rem;vertical-align:.1rem}
#phase[data-phase=READY]::before{background:#0a7d32}#phase[data-phase=STARTING]::before{background:#e0a100}
#phase[data-phase=FAILED]::before,#phase[data-phase=DEGRADED]::before{background:#a11}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.row input:not([type=checkbox]){flex:1 1 12rem;min-width:0}
.link{flex:1 1 12rem;min-width:0;font-family:ui-monospace,monospace;background:#f0f0ee;border:1px solid #ccc;border-radius:.3rem;padding:.5rem;overflow-wrap:anywhere;user-select:all}
#organizer{margin-top:.8rem}
label{font-weight:600}
.check{font-weight:normal;display:inline-flex;gap:.3rem;align-items:center}
input{font:inherit;font-size:1rem;padding:.5rem;border:1px solid #888;border-radius:.3rem;background:#fff;width:100%}
input[type=checkbox]{width:auto}
input[aria-invalid=true]{border-color:#a11;outline:2px solid #a11}
.field{margin:.7rem 0}
.field label{display:block;margin-bottom:.2rem}
.error{color:#a11;font-weight:600;margin:.3rem 0 0}
.hint,#phase-detail,#join-hint{color:#555;font-size:.95rem}
.note{font-weight:600}
progress{width:100%;height:1rem}
#recorder[data-recorder=recording]{color:#a11;font-weight:600}
#pending{border-left:.3rem solid #e0a100;padding-left:.8rem}
#repair{border-left:.3rem solid #a11;padding-left:.8rem}#repair-detail{margin-top:0}
ul{padding-left:1.2rem;margin:.4rem 0}li{margin:.3rem 0}
#history{font-size:.95rem}
footer{max-width:40rem;margin:0 auto 2rem;padding:0 1rem}
#banner{background:#fff3cd;border:1px solid #e0a100;border-radius:.4rem;padding:.5rem 1rem}
`;

/**
 * The Content-Security-Policy that allows exactly this page's inline script and styles, and the
 * group's logo. `meetingHost` lets forms go on to the meeting: the Join form's answer redirects
 * there, and browsers apply form-action to a form's redirects too.
 */
export function pageCsp(branding?: Branding, meetingHost?: string): string {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const brand = brandStyle(branding);
  const logo = logoOrigin(branding);
  return [
    "default-src 'none'",
    `script-src ${hash(SCRIPT)}`,
    `style-src ${hash(STYLE)}${brand ? ` ${hash(brand)}` : ''}`,
    "connect-src 'self'",
    `img-src 'self'${logo ? ` ${logo}` : ''}`,
    `form-action 'self'${meetingHost ? ` https://${meetingHost}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The page's heading: the group's logo and name (or the meeting host), and its welcome line. */
export function brandHeading(host: string, branding: Branding | undefined): string {
  const name = escapeHtml(branding?.appName ?? host);
  const logo = brandLogo(branding);
  const welcome = branding?.welcomeText ? `\n<p id="welcome">${escapeHtml(branding.welcomeText)}</p>` : '';
  return `<h1>${logo}${name}</h1>${welcome}`;
}

/** The whole page for a meeting host, in the group's branding when it has one; `timeZone` is the config's. */
export function organizerPage(host: string, branding?: Branding, timeZone?: string): string {
  const title = escapeHtml(branding?.appName ? `${branding.appName} (${host})` : host);
  const brand = brandStyle(branding);
  const zone = timeZone ? escapeHtml(timeZone) : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
${brand ? `<style>${brand}</style>\n` : ''}</head>
<body${zone ? ` data-time-zone="${zone}"` : ''}>
<header>
${brandHeading(host, branding)}
<p id="banner" role="alert" hidden></p>
</header>
<main>
<section id="signin" hidden>
<div class="card">
<h2>Members and organizers</h2>
<p>Sign in to join a meeting; organizers also start and stop the meeting server here.</p>
<p><a class="button" href="/auth/login">Sign in</a></p>
</div>
<div class="card">
<h2>Guests</h2>
<p>You need no account and nothing to install. Open the meeting link the organizers shared with you (it starts with <strong>https://${escapeHtml(host)}/</strong>). You wait in the lobby until a member or the host is in, then the meeting opens.</p>
</div>
</section>
<section id="signed" hidden>
<div class="card" id="state">
<p><strong id="phase">…</strong> <span id="people"></span></p>
<p id="phase-detail"></p>
<p id="repair" hidden></p><p id="repair-detail" class="hint" hidden></p>
<div id="progress" hidden><progress id="bar" max="90" value="0"></progress><p id="elapsed"></p></div>
<p id="next" hidden></p>
<div id="organizer" hidden>
<div class="row"><button id="start" type="button">Start</button><label id="record-wrap" class="check" hidden><input id="record" type="checkbox"> Record</label><button id="stop" type="button">Stop</button></div>
<p id="start-hint" class="hint" hidden></p>
<p id="action-note" class="note" role="status" hidden></p>
<p id="recorder" hidden></p>
<div id="pending" hidden><p><strong>A recording is not in S3 (the recordings storage) yet.</strong> Nothing is lost: the recorder keeps it on its disk and tries the upload again every 5 minutes by itself, and the organizers got an e-mail with the reason. The recorder keeps running (and costing) until the recording is saved.</p><ul id="pending-list"></ul></div>
</div>
</div>
<div class="card" id="join-card">
<h2>Join a meeting</h2>
<div class="field"><label for="room">Room</label>
<div class="row"><input id="room" value="meetup" autocomplete="off" aria-describedby="room-error join-hint"><button id="join" type="button">Join</button></div>
<p class="error" id="room-error" hidden></p><p id="join-hint" hidden></p></div>
<div id="guest" hidden><div class="field"><label for="guest-link">Guest link</label>
<div class="row"><output id="guest-link" class="link"></output><button id="copy" type="button">Copy</button></div>
<p class="hint">Share this link with guests: they need no account, and wait in the lobby until a member or host is in. <span id="copied" role="status" hidden></span></p></div></div>
</div>
<div class="card" id="recordings-card" hidden><h2>Recordings</h2><p class="hint">Download links work for 15 minutes; reload the page for fresh ones.</p><ul id="recordings"></ul></div>
<div class="card" id="meetups-card" hidden>
<h2>Meetups</h2>
<p id="no-meetups" class="hint" hidden>No meetup is planned.</p>
<ul id="meetups"></ul>
<form id="meetup-form" novalidate>
<h3>Plan a meetup</h3>
<div class="field"><label for="meetup-name">Name</label><input id="meetup-name" placeholder="december-meetup" autocomplete="off" aria-describedby="meetup-name-error"><p class="error" id="meetup-name-error" hidden></p></div>
<div class="field"><label for="meetup-at">Starts at</label><input id="meetup-at" type="datetime-local" aria-describedby="meetup-at-error"><p class="error" id="meetup-at-error" hidden></p></div>
<div class="field"><label for="meetup-tz">Time zone</label><input id="meetup-tz" list="zones" value="${zone}" placeholder="e.g. Europe/Berlin" autocomplete="off" aria-describedby="meetup-tz-error"><datalist id="zones"></datalist><p class="error" id="meetup-tz-error" hidden></p></div>
<p><label id="meetup-record-wrap" class="check" hidden><input id="meetup-record" type="checkbox"> Record it</label></p>
<p class="hint">The server starts by itself 15 minutes before, and stays up for at least two hours.</p>
<div class="row"><button id="add" type="submit">Add meetup</button></div>
<p id="meetup-note" class="note" role="status" hidden></p>
</form>
</div>
<div class="card" id="recent" hidden><h2>Recently</h2><p class="hint">Times in <span id="history-zone"></span>.</p><ul id="history"></ul><p id="cost" hidden></p></div>
</section>
</main>
<footer id="signed-footer" hidden><p><a href="/auth/logout">Sign out</a></p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The Join page for a room a member was sent to (Jitsi's tokenAuthUrl): a plain form that posts to
 * /auth/room from the page itself. Only that POST mints the member's token (src/page/sign-in.ts).
 */
export function roomPage(host: string, room: string, branding?: Branding, display = room): string {
  const name = escapeHtml(display);
  return pageShell(
    host,
    branding,
    `<form class="card" method="post" action="/auth/room">
<p>You are signed in. Join the meeting room <strong>${name}</strong>?</p>
<input type="hidden" name="room" value="${escapeHtml(room)}">
<div class="row"><button id="join" type="submit">Join ${name}</button> <a href="/">Back to the page</a></div>
</form>`,
  );
}

/**
 * A page with one message, for what a browser opens directly (a sign-in that went wrong, a room link
 * that cannot be a room): the message in plain words and the way back, never a JSON body.
 */
export function messagePage(host: string, branding: Branding | undefined, message: string): string {
  return pageShell(
    host,
    branding,
    `<div class="card"><p>${escapeHtml(message)}</p><p><a class="button" href="/">Back to the page</a></p></div>`,
  );
}

/** A document of the page's own style and branding around `content` (no script). */
function pageShell(host: string, branding: Branding | undefined, content: string): string {
  const title = escapeHtml(branding?.appName ? `${branding.appName} (${host})` : host);
  const brand = brandStyle(branding);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
${brand ? `<style>${brand}</style>\n` : ''}</head>
<body>
<header>
${brandHeading(host, branding)}
</header>
<main>
${content}
</main>
</body>
</html>
`;
}
