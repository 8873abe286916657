import { createHash } from 'node:crypto';
import type { Branding } from '../branding/jitsi-branding.js';
import { brandLogo, brandStyle, logoOrigin } from '../branding/page-branding.js';
import { escapeHtml } from '../web-escape.js';

/**
 * The organizer page: one HTML document with its style and script inline (no framework, no build
 * step, no CDN). It asks /api/status every few seconds and shows, by role:
 * - anyone signed out: a Sign in button;
 * - members: the phase and a Join button for a room;
 * - organizers: Start and Stop as well, and while starting a progress bar with the phase and the
 *   elapsed time.
 * The script is allowed by its hash in the Content-Security-Policy; nothing else may run.
 */

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const api = (path, body) =>
  fetch(path, body === undefined ? { credentials: 'same-origin' } : {
    method: 'POST', credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-meetctl': '1' },
    body: JSON.stringify(body),
  });
let startedAt = 0;
let recordingsAt = 0;
async function loadRecordings() {
  const response = await api('/api/recordings');
  if (!response.ok) return;
  const { recordings } = await response.json();
  show('recordings-wrap', recordings.length > 0);
  $('recordings').replaceChildren(...recordings.map((r) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = r.url;
    link.textContent = r.day + ' ' + r.room + (r.start ? ' ' + r.start.slice(11, 16) + ' UTC' : '');
    item.append(link, ' (' + Math.max(1, Math.round(r.sizeBytes / 1048576)) + ' MB)');
    return item;
  }));
}
function show(id, visible) { $(id).hidden = !visible; }
function say(text) { $('message').textContent = text; }
async function refresh() {
  let response;
  try { response = await api('/api/status'); } catch { say('The page cannot reach the server; retrying.'); return; }
  if (response.status === 401) { show('signin', true); show('signed', false); return; }
  const status = await response.json();
  if (!response.ok) { say(status.error || 'Something went wrong.'); return; }
  show('signin', false); show('signed', true);
  $('phase').textContent = status.phase;
  $('phase').dataset.phase = status.phase;
  const organizer = status.role === 'organizer';
  show('organizer', organizer);
  $('start').disabled = !['STOPPED', 'FAILED', 'DEGRADED'].includes(status.phase);
  $('stop').disabled = !['READY', 'STARTING', 'DEGRADED'].includes(status.phase);
  $('join').disabled = status.phase !== 'READY';
  const starting = status.phase === 'STARTING';
  show('progress', starting);
  if (starting) {
    if (!startedAt) startedAt = Date.now();
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    $('elapsed').textContent = Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
    $('bar').value = Math.min(seconds, 90);
  } else startedAt = 0;
  $('people').textContent = status.participants === undefined ? '' : status.participants + ' in the call';
  const recorder = organizer && status.recorder !== undefined;
  show('record-wrap', recorder);
  show('meetup-record-wrap', recorder);
  $('recorder').textContent = recorder ? 'Recorder: ' + status.recorder + '.' : '';
  if (recorder && Date.now() - recordingsAt > 30000) { recordingsAt = Date.now(); loadRecordings(); }
  $('next').textContent = status.nextMeetup
    ? 'Next meetup: ' + new Date(status.nextMeetup.at).toLocaleString() + ' (' + status.nextMeetup.name + ')'
    : '';
  const history = $('history');
  history.replaceChildren(...(status.history || []).slice().reverse().map((e) => {
    const item = document.createElement('li');
    item.textContent = new Date(e.at).toLocaleString() + ': ' + e.actor + ' asked for ' + e.goal + ' (' + e.outcome + ')';
    return item;
  }));
  show('recent', Boolean(status.history && status.history.length));
  $('cost').textContent = status.monthToDate
    ? 'This month so far: about $' + status.monthToDate.costUsd.toFixed(2) + ' of the $' + status.monthToDate.budgetUsd + ' budget.'
    : '';
  $('meetups').replaceChildren(...(status.schedules || []).map((m) => {
    const item = document.createElement('li');
    item.textContent = m.name + ' (' + m.timeZone + ') ';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      if (!window.confirm('Remove the meetup ' + m.name + '?')) return;
      const response = await api('/api/schedules/remove', { name: m.name });
      say(response.ok ? 'Removed ' + m.name + '.' : (await response.json()).error);
      refresh();
    });
    item.append(remove);
    return item;
  }));
}
async function act(path, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return;
  const response = await api(path, path.endsWith('start') && $('record').checked ? { record: true } : {});
  const body = await response.json();
  say(response.ok ? (path.endsWith('start') ? 'Starting: this takes about a minute and a half.' : 'Stopping.') : body.error);
  if (response.ok && path.endsWith('start')) startedAt = Date.now();
  refresh();
}
$('tz').value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
$('add').addEventListener('click', async () => {
  const response = await api('/api/schedules', { name: $('meetup-name').value.trim(), at: $('meetup-at').value, tz: $('tz').value.trim(), record: $('meetup-record').checked });
  const body = await response.json();
  say(response.ok ? 'Added ' + body.schedule.name + ': the server starts 15 minutes before.' : body.error + (body.hint ? ' ' + body.hint : ''));
  refresh();
});
$('start').addEventListener('click', () => act('/api/start'));
$('stop').addEventListener('click', () => act('/api/stop', 'Stop the meeting server? Everyone in a call is dropped.'));
$('join').addEventListener('click', async () => {
  const room = $('room').value.trim();
  const response = await api('/api/join', { room });
  const body = await response.json();
  if (response.ok) window.location.assign(body.url); else say(body.error);
});
refresh();
setInterval(refresh, 5000);
`;

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem}button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem .3rem .3rem 0;border-radius:.4rem;border:1px solid #555;background:#fff}
button:disabled{opacity:.4}#start{background:#0a7d32;color:#fff}#stop{background:#a11;color:#fff}
#phase{font-weight:bold}#phase[data-phase=READY]{color:#0a7d32}#phase[data-phase=FAILED]{color:#a11}
progress{width:100%}input{font-size:1rem;padding:.5rem;width:12rem}input[type=checkbox]{width:auto}h2{font-size:1.1rem}#history{padding-left:1.2rem;font-size:.9rem}
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

/** The whole page for a meeting host, in the group's branding when it has one. */
export function organizerPage(host: string, branding?: Branding): string {
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
${brandHeading(host, branding)}
<section id="signin" hidden>
<p>Members and organizers sign in here to join, start and stop meetings.</p>
<p><a href="/auth/login"><button type="button">Sign in</button></a></p>
</section>
<section id="signed" hidden>
<p>The meeting server is <span id="phase">…</span>. <span id="people"></span></p>
<div id="progress" hidden><progress id="bar" max="90" value="0"></progress><p>Starting… <span id="elapsed">0:00</span></p></div>
<div id="organizer" hidden><button id="start" type="button">Start</button><label id="record-wrap" hidden><input id="record" type="checkbox"> Record</label> <button id="stop" type="button">Stop</button>
<p id="recorder"></p>
<div id="recordings-wrap" hidden><h2>Recordings</h2><p>Download links work for 15 minutes.</p><ul id="recordings"></ul></div>
<h2>Meetups</h2><ul id="meetups"></ul>
<p><label>Name <input id="meetup-name" placeholder="december-meetup" autocomplete="off"></label></p>
<p><label>Starts <input id="meetup-at" type="datetime-local"></label> <label>Time zone <input id="tz" autocomplete="off"></label></p>
<p><label id="meetup-record-wrap" hidden><input id="meetup-record" type="checkbox"> Record it</label> <button id="add" type="button">Add meetup</button></p></div>
<p><label>Room <input id="room" value="meetup" autocomplete="off"></label> <button id="join" type="button">Join</button></p>
<p id="next"></p>
<p id="cost"></p>
<div id="recent" hidden><h2>Recently</h2><ul id="history"></ul></div>
<p><a href="/auth/logout">Sign out</a></p>
</section>
<p id="message" role="status"></p>
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
  const title = escapeHtml(branding?.appName ? `${branding.appName} (${host})` : host);
  const brand = brandStyle(branding);
  const name = escapeHtml(display);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
${brand ? `<style>${brand}</style>\n` : ''}</head>
<body>
${brandHeading(host, branding)}
<form method="post" action="/auth/room">
<p>You are signed in. Join the meeting room <strong>${name}</strong>?</p>
<input type="hidden" name="room" value="${escapeHtml(room)}">
<p><button id="join" type="submit">Join ${name}</button> <a href="/">Back to the page</a></p>
</form>
</body>
</html>
`;
}
