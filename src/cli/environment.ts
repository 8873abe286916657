import { ExitCode, MeetError } from '../errors.js';
import type { Deps } from './deps.js';
import { folderProblem } from './file-access.js';

/** The values of MEETCTL_SIMULATE that mean something: 1 simulates, 0 or empty uses your AWS account. */
const SIMULATE_VALUES = ['1', '0', ''];

/**
 * The MEETCTL_* variables the process read (src/cli/main.ts), checked before any command runs: a
 * MEETCTL_SIMULATE=true that quietly meant "real AWS", or a MEETCTL_SIMULATE_DIR where the simulated
 * worlds cannot be saved (a crash with a stack trace after the command had run), is exit 2 naming it.
 */
export function checkEnvironment(deps: Pick<Deps, 'env' | 'simulation'>): void {
  const simulate = deps.env.MEETCTL_SIMULATE;
  if (simulate !== undefined && !SIMULATE_VALUES.includes(simulate)) {
    throw new MeetError(
      `MEETCTL_SIMULATE=${JSON.stringify(simulate)} is neither 1 nor 0; nothing was run.`,
      ExitCode.usage,
      'Set MEETCTL_SIMULATE=1 to try meetctl against the simulated AWS, or unset it to use your AWS account.',
    );
  }
  const folder = deps.simulation?.folder;
  const problem = folder === undefined ? undefined : folderProblem(folder);
  if (problem) {
    throw new MeetError(
      `MEETCTL_SIMULATE_DIR: the simulated AWS cannot be kept in ${folder} (${problem}); nothing was run.`,
      ExitCode.usage,
      'Point MEETCTL_SIMULATE_DIR at a folder you can write to (it is created if missing), or unset it to use the temp folder.',
    );
  }
}
