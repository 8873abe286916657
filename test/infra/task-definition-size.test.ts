import { describe, expect, it } from 'vitest';
import { BRANDING_URL_MAX_LENGTH } from '../../src/config/schema.js';
import { TLS_CONTAINER } from '../../src/infra/constructs/jitsi-task.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// The task definition carries the config's texts several times: the branding files (base64, in the
// init container's environment) and the TLS sidecar's command (its nginx.conf with the waking page and
// the embed origins). ECS registers a task definition of at most 64 KiB ("Task definition size … The
// maximum size, in KiB, of a task definition": Amazon ECS Developer Guide, Amazon ECS service quotas);
// it documents no smaller limit for one container's command. The largest config the schema accepts
// must fit: every text at its longest, of the characters that grow most when escaped (`<` is six
// bytes as a JavaScript escape, `"` six as HTML in the waking page).
const ECS_TASK_DEFINITION_MAX_BYTES = 64 * 1024;

/** The longest meeting host that synthesizes (start.<host> must fit ACM's 64-character domain name). */
const HOST = `${'a'.repeat(46)}.example.org`;
/** An https origin of the longest host name the schema accepts, with a port. */
const origin = (i: number) =>
  `https://${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), `${'e'.repeat(48)}${i}`].join('.')}.org:65535`;
const url = (prefix: string, fill: string) => `${prefix}${fill.repeat(BRANDING_URL_MAX_LENGTH - prefix.length)}`;

describe('the task definition of the largest config', () => {
  const config = configWith({
    domain: HOST,
    embedOrigins: Array.from({ length: 10 }, (_, i) => origin(i)),
    branding: {
      appName: '<'.repeat(40),
      logoUrl: url('https://logo.ne3d.org/', '"'),
      websiteUrl: url('https://ne3d.org/', '<'),
      primaryColor: '#e87d0d',
      backgroundColor: '#232323',
      welcomeText: '<'.repeat(200),
    },
  });
  const { json } = synth(config);
  const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition').props;

  it("fits ECS's task definition size, with the branded waking page in the sidecar's command", () => {
    const bytes = Buffer.byteLength(JSON.stringify(taskDefinition));
    expect(bytes).toBeLessThan(ECS_TASK_DEFINITION_MAX_BYTES);
    // The case is the largest: the waking page has the group's name and the longest logo address in it.
    const tls = (taskDefinition.ContainerDefinitions as { Name: string; Command: string[] }[]).find(
      (c) => c.Name === TLS_CONTAINER,
    );
    expect(tls?.Command[0]).toContain(`<title>${'&lt;'.repeat(40)} is starting</title>`);
    expect(tls?.Command[0]).toContain(`https://logo.ne3d.org/${'&quot;'.repeat(10)}`);
  });
});
