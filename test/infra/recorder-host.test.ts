import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONSERVATIVE_RECORDING_BITS_PER_SECOND,
  CONSERVATIVE_UPLOAD_BYTES_PER_SECOND,
  ECS_CONFIG_FILE,
  LONG_RECORDING_SECONDS,
  RECORDER_STOP_TIMEOUT_SECONDS,
} from '../../src/infra/constructs/recorder.js';
import { RECORDER_CONTAINERS } from '../../src/recording/recorder.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// What the recorder's EC2 host gives the pinned jibri image: the ECS agent's stop timeout in the
// user data, the same timeout on the container, and no sound module (the image captures audio
// with PulseAudio inside the container at stable-11146-2; src/infra/constructs/recorder.ts cites it).
const { json } = synth(configWith({ recording: { enabled: true } }));
const CLUSTER_NAME = 'meet-cluster';
const work = mkdtempSync(path.join(tmpdir(), 'meetctl-recorder-host-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The launch template's user data as the instance receives it (Fn::Base64 of an Fn::Join), the cluster's name filled in. */
function userDataScript(): string {
  const data = resource(json, 'AWS::EC2::LaunchTemplate', 'Recorder').props.LaunchTemplateData as {
    UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } };
  };
  const [separator, parts] = data.UserData['Fn::Base64']['Fn::Join'];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      expect(ref && json.Resources[ref]?.Type).toBe('AWS::ECS::Cluster');
      return CLUSTER_NAME;
    })
    .join(separator);
}

const jibri = () =>
  (
    resource(json, 'AWS::ECS::TaskDefinition', 'Recorder').props.ContainerDefinitions as Array<{
      Name: string;
      StopTimeout?: number;
    }>
  ).find((c) => c.Name === RECORDER_CONTAINERS.jibri);

describe("the recorder host's user data", () => {
  it('appends the stop timeout and the cluster to the ECS agent config, and loads no kernel module', () => {
    expect(userDataScript().split('\n')).toEqual([
      '#!/bin/bash',
      `echo ECS_CONTAINER_STOP_TIMEOUT=${RECORDER_STOP_TIMEOUT_SECONDS}s >> ${ECS_CONFIG_FILE}`,
      `echo ECS_CLUSTER=${CLUSTER_NAME} >> ${ECS_CONFIG_FILE}`,
    ]);
  });

  it('run by bash, leaves a config the agent reads as the cluster and a Go duration equal to the container stop timeout', () => {
    // Stand-in for the AMI's /etc/ecs/ecs.config, which may already hold lines of its own.
    const config = path.join(work, 'ecs.config');
    writeFileSync(config, 'ECS_LOGLEVEL=info\n');
    const script = path.join(work, 'user-data.sh');
    writeFileSync(script, userDataScript().split(ECS_CONFIG_FILE).join(config));
    execFileSync('bash', [script]);
    expect(readFileSync(config, 'utf8')).toBe(
      `ECS_LOGLEVEL=info\nECS_CONTAINER_STOP_TIMEOUT=${RECORDER_STOP_TIMEOUT_SECONDS}s\nECS_CLUSTER=${CLUSTER_NAME}\n`,
    );
    // ecs-init hands the file to the agent as environment variables (KEY=VALUE lines).
    const read = execFileSync(
      'env',
      ['-i', 'bash', '-c', `set -a; . '${config}'; echo "$ECS_CLUSTER|$ECS_CONTAINER_STOP_TIMEOUT"`],
      {
        encoding: 'utf8',
      },
    ).trim();
    const [cluster, timeout] = read.split('|');
    expect(cluster).toBe(CLUSTER_NAME);
    // The agent parses it with Go's time.ParseDuration: a number without a unit would be refused and
    // the 30 s default used.
    expect(timeout).toMatch(/^\d+s$/);
    expect(Number.parseInt(timeout ?? '', 10)).toBe(jibri()?.StopTimeout);
  });
});

describe("the recorder's stop timeout", () => {
  it("is Jibri's container stopTimeout, beyond Fargate's 120 s cap", () => {
    expect(jibri()?.StopTimeout).toBe(RECORDER_STOP_TIMEOUT_SECONDS);
    expect(RECORDER_STOP_TIMEOUT_SECONDS).toBeGreaterThan(120);
  });

  it('leaves time to upload a 3-hour recording twice (one retry) at the conservative rate', () => {
    const bytes = (LONG_RECORDING_SECONDS * CONSERVATIVE_RECORDING_BITS_PER_SECOND) / 8;
    expect(bytes).toBe(8.1e9);
    expect((2 * bytes) / CONSERVATIVE_UPLOAD_BYTES_PER_SECOND).toBeLessThanOrEqual(RECORDER_STOP_TIMEOUT_SECONDS);
  });
});
