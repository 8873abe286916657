/** Size presets of the one Fargate task that runs web, prosody, jicofo and the video bridge. */
export interface SizePreset {
  /** Task vCPU (Fargate). */
  readonly vcpu: number;
  /** Task memory in MiB (Fargate). */
  readonly memoryMiB: number;
  /** Java heap of jicofo (conference focus). */
  readonly jicofoHeapMiB: number;
  /** Java heap of the video bridge. */
  readonly jvbHeapMiB: number;
  /**
   * Participants the preset is sized for, all in video with the default layout. An estimate from the
   * jitsi-helm sizing guide (2 vCPU ~25–35, 4 vCPU ~60–80, 8 vCPU ~120–150 for one bridge with capped
   * senders), halved-ish because prosody, jicofo and nginx share the task.
   */
  readonly expectedParticipants: number;
}

export const SIZE_PRESETS = {
  small: { vcpu: 2, memoryMiB: 4096, jicofoHeapMiB: 768, jvbHeapMiB: 1536, expectedParticipants: 20 },
  medium: { vcpu: 4, memoryMiB: 8192, jicofoHeapMiB: 1536, jvbHeapMiB: 3072, expectedParticipants: 50 },
  large: { vcpu: 8, memoryMiB: 16384, jicofoHeapMiB: 3072, jvbHeapMiB: 6144, expectedParticipants: 100 },
} as const satisfies Record<string, SizePreset>;

export type SizeName = keyof typeof SIZE_PRESETS;
export const SIZE_NAMES = Object.keys(SIZE_PRESETS) as SizeName[];
