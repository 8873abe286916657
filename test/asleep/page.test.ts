import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asleepCsp, asleepPage, meetupTime } from '../../src/asleep/page.js';

const next = {
  name: 'weekly',
  description: 'Blender <meetup> & "friends"',
  timeZone: 'Europe/Berlin',
  startsAt: Date.UTC(2026, 11, 2, 16, 45),
  meetupAt: Date.UTC(2026, 11, 2, 17, 0),
};

describe('the asleep page', () => {
  it('says the server is asleep and when the next meetup is, in its time zone', () => {
    const html = asleepPage({ host: 'meet.example.org', next });
    expect(html).toContain('<title>meet.example.org is asleep</title>');
    expect(html).toContain(meetupTime(next.meetupAt, 'Europe/Berlin'));
    // 17:00 UTC is 18:00 in Berlin in December (the exact punctuation is the ICU version's).
    expect(meetupTime(next.meetupAt, 'Europe/Berlin')).toMatch(/^Wednesday,? 2 December 2026,? (at )?18:00 \(Europe\/Berlin\)$/);
  });

  it("shows nobody's identity: a schedule's description (older ones name who added them) never reaches the page", () => {
    const html = asleepPage({
      host: 'meet.example.org',
      next: { ...next, description: 'Meetup cron 0 18 ? * WED * (Europe/Berlin). Created by cli:ana@laptop.local' },
    });
    expect(html).not.toMatch(/Created by|ana@|laptop|cli:/);
    expect(asleepPage({ host: 'meet.example.org', next })).not.toContain('meetup&gt;');
  });

  it('is allowed exactly its own style and the logo by its CSP, runs no script, and is framed by nobody unless listed', () => {
    const branding = { appName: 'NE3D', logoUrl: 'https://ne3d.org/logo.svg', primaryColor: '#e87d0d' };
    const html = asleepPage({ host: 'meet.example.org', branding });
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const csp = asleepCsp(branding);
    expect(csp).toBe(
      `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; img-src https://ne3d.org; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(html).not.toContain('<script');
    expect(asleepCsp(undefined, ['https://ne3d.org', 'https://www.ne3d.org'])).toContain(
      'frame-ancestors https://ne3d.org https://www.ne3d.org;',
    );
  });

  it('says so when no meetup is scheduled, and differently when the schedules could not be read', () => {
    const none = asleepPage({ host: 'meet.example.org' });
    expect(none).toContain('No meetup is scheduled right now. The server wakes up when an organizer starts it.');
    // Guests read this page: no command to run.
    expect(none).not.toMatch(/meetctl|<code>/);
    const unknown = asleepPage({ host: 'meet.example.org', schedulesUnknown: true });
    expect(unknown).toContain('could not be looked up');
    expect(unknown).not.toContain('No meetup is scheduled');
  });

  it('links members to the organizer page to sign in, and tells guests they need no account, when meetings are members-only', () => {
    const members = asleepPage({ host: 'meet.example.org', pageUrl: 'https://start.meet.example.org/' });
    expect(members).toContain('<a href="https://start.meet.example.org/">sign in</a>');
    expect(members).toContain(
      'Guests need no account: once the server is up, you wait in the lobby until a member or the host is in.',
    );
    // Open meetings: anyone with the link opens a room, so there is neither a sign-in nor a wait to explain.
    expect(asleepPage({ host: 'meet.example.org' })).not.toMatch(/sign in|Guests need no account/);
  });

  it("shows the group's name, logo and colours, escaped", () => {
    const html = asleepPage({
      host: 'meet.example.org',
      branding: { appName: 'NE3D <Blender> Meet', logoUrl: 'https://ne3d.org/logo.svg?a=1&b=2', primaryColor: '#e87d0d' },
    });
    expect(html).toContain('<title>NE3D &lt;Blender&gt; Meet is asleep</title>');
    expect(html).toContain(
      '<h1><img src="https://ne3d.org/logo.svg?a=1&amp;b=2" alt="" height="40"> NE3D &lt;Blender&gt; Meet is asleep</h1>',
    );
    expect(html).toContain('h1,h2{color:#e87d0d}');
  });
});
