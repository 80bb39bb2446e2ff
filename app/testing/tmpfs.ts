// Real small tmpfs mounts for ENOSPC tests (mount(8) needs root, as CI runs; elsewhere the tests skip with a
// one-line reason). Each mount is unmounted and removed by `unmountAll()`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why tmpfs tests cannot run here, or undefined when they can. */
export const tmpfsUnavailable: string | undefined = (() => {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  const probe = mkdtempSync(join(tmpdir(), 'evidence-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

const mounted: string[] = [];

/** Mounts a fresh tmpfs of `size` (mount(8) syntax: 64k, 1m) and returns its path. */
export function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}

/** Grows (or shrinks) a mount made by mountTmpfs — "free space" in a test. */
export function resizeTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
