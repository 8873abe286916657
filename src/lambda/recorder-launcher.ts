import { ECSClient } from '@aws-sdk/client-ecs';
import { ecsRecorderLauncher } from '../aws/recorder.js';
import { LAUNCHER_ENV, type LaunchResult, launchRecorder } from '../recording/launcher.js';
import { required } from './required.js';

/**
 * Lambda entry of the recorder launcher (src/recording/launcher.ts). Whatever it is invoked with, it
 * starts the recorder for this stack's meeting, with the parameters the stack fixed.
 */
export const handler = async (): Promise<LaunchResult> => {
  const ports = ecsRecorderLauncher(new ECSClient({ region: required('AWS_REGION') }), {
    cluster: required(LAUNCHER_ENV.cluster),
    recorderFamily: required(LAUNCHER_ENV.recorderFamily),
    capacityProvider: required(LAUNCHER_ENV.capacityProvider),
    meetingFamily: required(LAUNCHER_ENV.meetingFamily),
  });
  const result = await launchRecorder(ports);
  console.log(JSON.stringify({ message: 'recorder launch', ...result }));
  return result;
};
